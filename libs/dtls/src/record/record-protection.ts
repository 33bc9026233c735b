import { ContentType } from '../protocol/constants';

/** The header fields record protection binds (RFC 5246 §6.2.3.3 additional_data; RFC 9146 §5). */
export interface RecordHeader {
  /** The outer type: the real content type, or tls12_cid (25) with `cid`. */
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  readonly sequence: number;
  /** A non-empty connection id: switches to the RFC 9146 §5 additional data. */
  readonly cid?: Buffer;
}

/**
 * Protection of one epoch's records in both directions: our write keys seal, the peer's open. `open` returns
 * undefined for a record that does not authenticate; the caller discards it silently (RFC 6347 §4.1.2.7).
 */
export interface RecordProtection {
  /** Most bytes sealing adds to a plaintext (nonce/IV, tag/MAC, padding), for MTU planning. */
  readonly expansion: number;
  seal(header: RecordHeader, plaintext: Buffer): Buffer;
  /** Shortest and longest fragment a peer may produce sealing `plaintextLength` bytes (padding choices). */
  sealedLengthRange(plaintextLength: number): readonly [number, number];
  open(header: RecordHeader, fragment: Buffer): Buffer | undefined;
}

/** Epoch 0: TLS_NULL_WITH_NULL_NULL (RFC 5246 §6.1), records travel in the clear. */
export const NULL_PROTECTION: RecordProtection = {
  expansion: 0,
  seal: (_header, plaintext) => plaintext,
  sealedLengthRange: (n) => [n, n],
  open: (_header, fragment) => fragment,
};

/**
 * The bytes authenticated with a record: RFC 5246 §6.2.3.3 `seq_num + type + version + length` where DTLS
 * uses epoch(2) + sequence_number(6) as seq_num (RFC 6347 §4.1.2.1); with a CID, RFC 9146 §5
 * `seq_num_placeholder + tls12_cid + cid_length + tls12_cid + version + epoch + sequence_number + cid +
 * length_of_DTLSInnerPlaintext`. `length` is the plaintext (or inner plaintext) length.
 */
export function additionalData(header: RecordHeader, length: number): Buffer {
  if (header.cid && header.cid.length > 0) {
    const cid = header.cid;
    const aad = Buffer.allocUnsafe(23 + cid.length);
    aad.fill(0xff, 0, 8);
    aad[8] = ContentType.tls12Cid;
    aad[9] = cid.length;
    aad[10] = ContentType.tls12Cid;
    aad.writeUInt16BE(header.version, 11);
    aad.writeUInt16BE(header.epoch, 13);
    aad.writeUIntBE(header.sequence, 15, 6);
    cid.copy(aad, 21);
    aad.writeUInt16BE(length, 21 + cid.length);
    return aad;
  }
  const aad = Buffer.allocUnsafe(13);
  aad.writeUInt16BE(header.epoch, 0);
  aad.writeUIntBE(header.sequence, 2, 6);
  aad[8] = header.type;
  aad.writeUInt16BE(header.version, 9);
  aad.writeUInt16BE(length, 11);
  return aad;
}
