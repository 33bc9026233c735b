/** Limits of Block-wise transfers (RFC 7959), per endpoint. Every one is explicit: memory stays bounded. */
export interface BlockSettings {
  /** SZX of the blocks we send and the largest we accept (6 = 1024 bytes). */
  readonly preferredSzx: number;
  /** Largest body reassembled from Block1 requests or Block2 responses (4.13 / failure above it). */
  readonly maxBodyBytes: number;
  /** Block1 transfers in progress per peer, and in total. */
  readonly maxTransfersPerPeer: number;
  readonly maxTransfers: number;
  /** Bytes held by all reassemblies and cached Block2 bodies together. */
  readonly maxBufferedBytes: number;
  /** A transfer (or a cached body) idle this long is dropped (RFC 7959 §2.4 leaves it to the server). */
  readonly transferTimeoutMs: number;
}

export const DEFAULT_BLOCK_SETTINGS: BlockSettings = {
  preferredSzx: 6,
  maxBodyBytes: 64 * 1024,
  maxTransfersPerPeer: 4,
  maxTransfers: 10_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  transferTimeoutMs: 60_000,
};
