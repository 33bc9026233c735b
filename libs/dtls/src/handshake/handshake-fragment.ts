import { decodeError } from '../errors';
import { HANDSHAKE_HEADER_BYTES } from '../protocol/constants';

/**
 * RFC 6347 §4.2.2: every handshake message travels as one or more fragments, each with the 12-byte header
 * msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3).
 */
export interface HandshakeFragment {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly offset: number;
  readonly data: Buffer;
}

/**
 * Splits a handshake record's plaintext into fragments. RFC 6347 §4.2.3 lets several fragments (of one flight)
 * share a record; a fragment must lie inside its message (offset + fragment_length <= length).
 */
export function parseHandshakeFragments(plaintext: Buffer, maxFragments = 16): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let pos = 0;
  while (pos < plaintext.length) {
    if (out.length >= maxFragments) throw decodeError('too many handshake fragments in one record');
    if (plaintext.length - pos < HANDSHAKE_HEADER_BYTES) throw decodeError('truncated handshake header');
    const msgType = plaintext[pos]!;
    const length = plaintext.readUIntBE(pos + 1, 3);
    const messageSeq = plaintext.readUInt16BE(pos + 4);
    const offset = plaintext.readUIntBE(pos + 6, 3);
    const fragmentLength = plaintext.readUIntBE(pos + 9, 3);
    pos += HANDSHAKE_HEADER_BYTES;
    if (fragmentLength > plaintext.length - pos) throw decodeError('handshake fragment beyond record');
    if (offset + fragmentLength > length) throw decodeError('handshake fragment beyond message');
    out.push({ msgType, length, messageSeq, offset, data: plaintext.subarray(pos, pos + fragmentLength) });
    pos += fragmentLength;
  }
  return out;
}

export function encodeHandshakeFragment(f: HandshakeFragment): Buffer {
  const header = Buffer.allocUnsafe(HANDSHAKE_HEADER_BYTES);
  header[0] = f.msgType;
  header.writeUIntBE(f.length, 1, 3);
  header.writeUInt16BE(f.messageSeq, 4);
  header.writeUIntBE(f.offset, 6, 3);
  header.writeUIntBE(f.data.length, 9, 3);
  return Buffer.concat([header, f.data]);
}

/**
 * The message as the handshake hash sees it (RFC 6347 §4.2.6): as if sent in one fragment, i.e. with
 * fragment_offset 0 and fragment_length equal to length.
 */
export function encodeWholeMessage(msgType: number, messageSeq: number, body: Buffer): Buffer {
  return encodeHandshakeFragment({ msgType, length: body.length, messageSeq, offset: 0, data: body });
}

/**
 * Cuts a message into fragments whose encoding (header included) fits `maxFragmentBytes` (RFC 6347 §4.2.3:
 * "each handshake message may be fragmented over several DTLS records, each of which is intended to fit in a
 * single IP datagram").
 */
export function fragmentMessage(
  msgType: number,
  messageSeq: number,
  body: Buffer,
  maxFragmentBytes: number,
): HandshakeFragment[] {
  const room = Math.max(1, maxFragmentBytes - HANDSHAKE_HEADER_BYTES);
  if (body.length === 0) return [{ msgType, length: 0, messageSeq, offset: 0, data: body }];
  const out: HandshakeFragment[] = [];
  for (let offset = 0; offset < body.length; offset += room) {
    out.push({
      msgType,
      length: body.length,
      messageSeq,
      offset,
      data: body.subarray(offset, offset + room),
    });
  }
  return out;
}
