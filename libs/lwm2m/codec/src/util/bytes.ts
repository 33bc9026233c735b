import { isUtf8 } from 'node:buffer';
import { Lwm2mCodecError } from '@smartcity/lwm2m-core';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function utf8Encode(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Strict UTF-8 (RFC 3629): invalid sequences are an error, never replaced. */
export function utf8Decode(bytes: Uint8Array, offset?: number): string {
  // Checked first: a TextDecoder exception captures a stack trace, which made garbage input 20x slower to refuse.
  if (!isUtf8(bytes)) {
    throw new Lwm2mCodecError('invalid-utf8', 'invalid UTF-8 text', offset === undefined ? {} : { offset });
  }
  return utf8Decoder.decode(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Hex to bytes; spaces allowed between bytes. Returns undefined on any other character or an odd length. */
export function fromHex(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'hex'));
}

/** Standard base64 with padding (RFC 4648 §4), as LwM2M text and JSON formats carry opaque values. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** base64url without padding (RFC 4648 §5), as SenML JSON carries `vd` (RFC 8428 §4.3). */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict decoding: the alphabet must match, padding optional but correct; undefined otherwise. */
export function fromBase64(text: string, url = false): Uint8Array | undefined {
  const alphabet = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (!alphabet.test(text)) return undefined;
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(body, url ? 'base64url' : 'base64'));
}
