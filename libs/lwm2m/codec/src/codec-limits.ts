/**
 * Bounds every decoder enforces before allocating, so a hostile payload costs at most O(payload) memory and time.
 * Defaults fit CoAP block-wise transfers of a few hundred records; override per call when a use case needs more.
 */
export interface DecodeLimits {
  /** Largest payload accepted, in bytes. Default 1 MiB. */
  readonly maxPayloadBytes: number;
  /** Deepest nesting of containers (CBOR arrays/maps/tags, JSON arrays/objects, TLV). Default 16. */
  readonly maxDepth: number;
  /** Most records (values or paths) one payload may produce. Default 10,000. */
  readonly maxRecords: number;
  /** Longest text string (string/corelnk values, names), in bytes. Default 65,536. Opaque is bounded by the payload. */
  readonly maxStringLength: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxPayloadBytes: 1024 * 1024,
  maxDepth: 16,
  maxRecords: 10_000,
  maxStringLength: 65_536,
};
