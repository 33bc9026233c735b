import { type CoapMessage, type CoapOptionValue, type CoapType } from './coap-message';

/** Why a datagram is not a well-formed CoAP message (RFC 7252 §3 "message format error"). */
export type CoapFormatErrorCode =
  | 'truncated-header'
  | 'unsupported-version'
  | 'reserved-token-length'
  | 'truncated-token'
  | 'reserved-option-nibble'
  | 'truncated-option'
  | 'empty-payload-after-marker'
  | 'empty-message-not-empty';

/** The one error of the codec: a code, the byte offset where parsing stopped, and the header if it was read. */
export class CoapFormatError extends Error {
  override readonly name = 'CoapFormatError';
  constructor(
    readonly code: CoapFormatErrorCode,
    readonly offset: number,
    /** What was readable of the header: enough to reject a Confirmable message with a Reset (§4.2). */
    readonly header?: { readonly type: CoapType; readonly messageId: number },
  ) {
    super(`CoAP message format error: ${code} at byte ${offset}`);
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
const NO_OPTIONS: readonly CoapOptionValue[] = [];

/**
 * Strict RFC 7252 §3 parser: token lengths 9-15 (§3), option nibble 15 outside the payload marker (§3.1),
 * a payload marker followed by no payload (§3) and an Empty message with bytes after the header (§4.1) are
 * format errors. Values are slices of the datagram (no copies).
 */
export function parseCoapMessage(buf: Buffer): CoapMessage {
  if (buf.length < 4) throw new CoapFormatError('truncated-header', buf.length);
  const b0 = buf[0]!;
  if (b0 >> 6 !== 1) throw new CoapFormatError('unsupported-version', 0);
  const type = ((b0 >> 4) & 3) as CoapType;
  const tkl = b0 & 0x0f;
  const code = buf[1]!;
  const messageId = buf.readUInt16BE(2);
  const header = { type, messageId };
  if (code === 0) {
    // §4.1: an Empty message has a 4-byte header only (token length 0, nothing after it).
    if (buf.length !== 4 || tkl !== 0) throw new CoapFormatError('empty-message-not-empty', 4, header);
    return { type, code, messageId, token: EMPTY, options: NO_OPTIONS, payload: EMPTY };
  }
  if (tkl > 8) throw new CoapFormatError('reserved-token-length', 0, header);
  if (buf.length < 4 + tkl) throw new CoapFormatError('truncated-token', buf.length, header);
  const token = buf.subarray(4, 4 + tkl);
  let pos = 4 + tkl;
  let options: CoapOptionValue[] | readonly CoapOptionValue[] = NO_OPTIONS;
  let number = 0;
  let payload = EMPTY;
  while (pos < buf.length) {
    const byte = buf[pos++]!;
    if (byte === 0xff) {
      if (pos === buf.length) throw new CoapFormatError('empty-payload-after-marker', pos, header);
      payload = buf.subarray(pos);
      break;
    }
    let delta = byte >> 4;
    let length = byte & 0x0f;
    if (delta === 15 || length === 15) throw new CoapFormatError('reserved-option-nibble', pos - 1, header);
    if (delta === 13) {
      if (pos + 1 > buf.length) throw new CoapFormatError('truncated-option', pos, header);
      delta = buf[pos++]! + 13;
    } else if (delta === 14) {
      if (pos + 2 > buf.length) throw new CoapFormatError('truncated-option', pos, header);
      delta = buf.readUInt16BE(pos) + 269;
      pos += 2;
    }
    if (length === 13) {
      if (pos + 1 > buf.length) throw new CoapFormatError('truncated-option', pos, header);
      length = buf[pos++]! + 13;
    } else if (length === 14) {
      if (pos + 2 > buf.length) throw new CoapFormatError('truncated-option', pos, header);
      length = buf.readUInt16BE(pos) + 269;
      pos += 2;
    }
    if (pos + length > buf.length) throw new CoapFormatError('truncated-option', pos, header);
    number += delta;
    if (options === NO_OPTIONS) options = [];
    (options as CoapOptionValue[]).push({ number, value: buf.subarray(pos, pos + length) });
    pos += length;
  }
  return { type, code, messageId, token, options, payload };
}

const MAX_EXTENDED = 0xffff + 269;

function extendedSize(n: number): number {
  return n < 13 ? 0 : n < 269 ? 1 : 2;
}

function nibble(n: number): number {
  return n < 13 ? n : n < 269 ? 13 : 14;
}

/** Serializes a message; options are sorted by number (stable, so repeated options keep their order). */
export function serializeCoapMessage(message: CoapMessage): Buffer {
  const tkl = message.token.length;
  if (tkl > 8) throw new RangeError('token longer than 8 bytes');
  if (message.messageId < 0 || message.messageId > 0xffff) throw new RangeError('message id out of range');
  let options = message.options;
  for (let i = 1; i < options.length; i++) {
    if (options[i]!.number < options[i - 1]!.number) {
      options = [...options].sort((a, b) => a.number - b.number);
      break;
    }
  }
  let size = 4 + tkl;
  let previous = 0;
  for (const o of options) {
    const delta = o.number - previous;
    // §3.1: delta and length are at most 14 bits + 269 (the 2-byte extension), i.e. 65804.
    if (delta > MAX_EXTENDED || o.value.length > MAX_EXTENDED)
      throw new RangeError(`option ${o.number} too large`);
    size += 1 + extendedSize(delta) + extendedSize(o.value.length) + o.value.length;
    previous = o.number;
  }
  if (message.payload.length > 0) size += 1 + message.payload.length;
  const buf = Buffer.allocUnsafe(size);
  buf[0] = 0x40 | (message.type << 4) | tkl;
  buf[1] = message.code;
  buf.writeUInt16BE(message.messageId, 2);
  message.token.copy(buf, 4);
  let pos = 4 + tkl;
  previous = 0;
  for (const o of options) {
    const delta = o.number - previous;
    const length = o.value.length;
    buf[pos++] = (nibble(delta) << 4) | nibble(length);
    pos = writeExtended(buf, pos, delta);
    pos = writeExtended(buf, pos, length);
    o.value.copy(buf, pos);
    pos += length;
    previous = o.number;
  }
  if (message.payload.length > 0) {
    buf[pos++] = 0xff;
    message.payload.copy(buf, pos);
  }
  return buf;
}

function writeExtended(buf: Buffer, pos: number, n: number): number {
  if (n < 13) return pos;
  if (n < 269) {
    buf[pos] = n - 13;
    return pos + 1;
  }
  buf.writeUInt16BE(n - 269, pos);
  return pos + 2;
}

/** A Reset or empty ACK for a message id (RFC 7252 §4.2, §4.3): 4 bytes. */
export function emptyMessage(type: CoapType.Acknowledgement | CoapType.Reset, messageId: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = 0x40 | (type << 4);
  buf[1] = 0;
  buf.writeUInt16BE(messageId, 2);
  return buf;
}
