import { ContentType, MAX_CIPHERTEXT, RECORD_HEADER_BYTES } from '../protocol/constants';

/**
 * One DTLS record as it travels (RFC 6347 §4.1 DTLSPlaintext/DTLSCiphertext; RFC 9146 §4 for `tls12_cid`, whose
 * header carries the connection id between sequence_number and length).
 */
export interface DtlsRecord {
  /** Outer content type: the real one, or 25 (tls12_cid) when the inner plaintext hides it. */
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  /** 48-bit sequence number (fits a JS number exactly). */
  readonly sequence: number;
  /** Present only for tls12_cid records. */
  readonly cid?: Buffer;
  /** The (possibly protected) payload, a view into the datagram. */
  readonly fragment: Buffer;
}

export interface ParsedDatagram {
  readonly records: DtlsRecord[];
  /** Why parsing stopped before the end of the datagram, if it did. */
  readonly stopped?: 'malformed' | 'unknown_cid_length' | 'too_many_records';
}

/**
 * Splits a datagram into records (RFC 6347 §4.1.1: several records may share one datagram; a record never spans
 * datagrams). A header that does not fit, or a length beyond the RFC 5246 §6.2.3 ciphertext limit, ends parsing:
 * the rest of the datagram cannot be framed and is discarded (RFC 6347 §4.1.2.7, silently).
 *
 * @param cidLength the fixed length of connection ids this endpoint issued (RFC 9146 §4: the receiver knows the
 *   length of its own CIDs); 0 when it issued none, in which case a tls12_cid record cannot be framed.
 */
export function parseDatagram(datagram: Buffer, cidLength: number, maxRecords = 32): ParsedDatagram {
  const records: DtlsRecord[] = [];
  let pos = 0;
  while (pos < datagram.length) {
    if (records.length >= maxRecords) return { records, stopped: 'too_many_records' };
    const type = datagram[pos]!;
    const isCid = type === ContentType.tls12Cid;
    if (isCid && cidLength === 0) return { records, stopped: 'unknown_cid_length' };
    const headerLength = RECORD_HEADER_BYTES + (isCid ? cidLength : 0);
    if (datagram.length - pos < headerLength) return { records, stopped: 'malformed' };
    const version = datagram.readUInt16BE(pos + 1);
    const epoch = datagram.readUInt16BE(pos + 3);
    const sequence = datagram.readUIntBE(pos + 5, 6);
    const cid = isCid ? datagram.subarray(pos + 11, pos + 11 + cidLength) : undefined;
    const length = datagram.readUInt16BE(pos + headerLength - 2);
    if (length > MAX_CIPHERTEXT || datagram.length - pos - headerLength < length) {
      return { records, stopped: 'malformed' };
    }
    const fragment = datagram.subarray(pos + headerLength, pos + headerLength + length);
    records.push(
      cid ? { type, version, epoch, sequence, cid, fragment } : { type, version, epoch, sequence, fragment },
    );
    pos += headerLength + length;
  }
  return { records };
}

/** Serializes one record header + fragment. */
export function encodeRecord(record: DtlsRecord): Buffer {
  const cidLength = record.cid?.length ?? 0;
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES + cidLength);
  header[0] = record.type;
  header.writeUInt16BE(record.version, 1);
  header.writeUInt16BE(record.epoch, 3);
  header.writeUIntBE(record.sequence, 5, 6);
  if (record.cid) record.cid.copy(header, 11);
  header.writeUInt16BE(record.fragment.length, 11 + cidLength);
  return Buffer.concat([header, record.fragment]);
}

/** Bytes a record header takes on the wire. */
export function recordHeaderLength(cidLength: number): number {
  return RECORD_HEADER_BYTES + cidLength;
}
