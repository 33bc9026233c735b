/**
 * CoAP messages (RFC 7252 §3). Codes are kept as their wire byte
 * (class << 5 | detail) so the hot path compares integers, not "2.05" strings.
 */
export enum CoapType {
  Confirmable = 0,
  NonConfirmable = 1,
  Acknowledgement = 2,
  Reset = 3,
}

/** Builds the wire byte of a code `c.dd`. */
export const code = (cls: number, detail: number): number => (cls << 5) | detail;

/** Request methods and response codes (RFC 7252 §12.1, RFC 8132 FETCH/PATCH/iPATCH, RFC 8516 4.29, RFC 7959). */
export const CoapCode = {
  Empty: 0,
  GET: code(0, 1),
  POST: code(0, 2),
  PUT: code(0, 3),
  DELETE: code(0, 4),
  FETCH: code(0, 5),
  PATCH: code(0, 6),
  IPATCH: code(0, 7),
  Created: code(2, 1),
  Deleted: code(2, 2),
  Valid: code(2, 3),
  Changed: code(2, 4),
  Content: code(2, 5),
  Continue: code(2, 31),
  BadRequest: code(4, 0),
  Unauthorized: code(4, 1),
  BadOption: code(4, 2),
  Forbidden: code(4, 3),
  NotFound: code(4, 4),
  MethodNotAllowed: code(4, 5),
  NotAcceptable: code(4, 6),
  Conflict: code(4, 9),
  RequestEntityIncomplete: code(4, 8),
  PreconditionFailed: code(4, 12),
  RequestEntityTooLarge: code(4, 13),
  UnsupportedContentFormat: code(4, 15),
  TooManyRequests: code(4, 29),
  InternalServerError: code(5, 0),
  NotImplemented: code(5, 1),
  BadGateway: code(5, 2),
  ServiceUnavailable: code(5, 3),
  GatewayTimeout: code(5, 4),
  ProxyingNotSupported: code(5, 5),
} as const;

/** Option numbers (RFC 7252 §5.10, RFC 7641, RFC 7959, RFC 8613, RFC 7967). Odd numbers are critical (§5.4.1). */
export const CoapOption = {
  IfMatch: 1,
  UriHost: 3,
  ETag: 4,
  IfNoneMatch: 5,
  Observe: 6,
  UriPort: 7,
  LocationPath: 8,
  Oscore: 9,
  UriPath: 11,
  ContentFormat: 12,
  MaxAge: 14,
  UriQuery: 15,
  HopLimit: 16,
  Accept: 17,
  LocationQuery: 20,
  Block2: 23,
  Block1: 27,
  Size2: 28,
  ProxyUri: 35,
  ProxyScheme: 39,
  Size1: 60,
  NoResponse: 258,
} as const;

export interface CoapOptionValue {
  readonly number: number;
  readonly value: Buffer;
}

export interface CoapMessage {
  readonly type: CoapType;
  readonly code: number;
  readonly messageId: number;
  readonly token: Buffer;
  /** In option-number order, as on the wire (repeatable options keep their order). */
  readonly options: readonly CoapOptionValue[];
  readonly payload: Buffer;
}

export const codeClass = (c: number): number => c >> 5;
export const isRequestCode = (c: number): boolean => c !== 0 && c >> 5 === 0;
export const isResponseCode = (c: number): boolean => c >> 5 >= 2 && c >> 5 <= 5;

/** "2.05" for logs, metrics labels and diagnostics. */
export function formatCode(c: number): string {
  return `${c >> 5}.${String(c & 0x1f).padStart(2, '0')}`;
}

export function isCritical(optionNumber: number): boolean {
  return (optionNumber & 1) === 1;
}

export function getOption(message: CoapMessage, number: number): Buffer | undefined {
  for (const o of message.options) if (o.number === number) return o.value;
  return undefined;
}

export function getOptions(message: CoapMessage, number: number): Buffer[] {
  const out: Buffer[] = [];
  for (const o of message.options) if (o.number === number) out.push(o.value);
  return out;
}

/** uint option value (RFC 7252 §3.2): big-endian, leading zero bytes omitted, empty = 0. */
export function decodeUint(value: Buffer | undefined): number | undefined {
  if (value === undefined) return undefined;
  let n = 0;
  for (let i = 0; i < value.length; i++) n = n * 256 + value[i]!;
  return n;
}

const UINT_CACHE: Buffer[] = Array.from({ length: 256 }, (_, i) =>
  i === 0 ? Buffer.alloc(0) : Buffer.of(i),
);

/** Encodes a uint option value; values below 256 share preallocated buffers (treat them as read-only). */
export function encodeUint(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a CoAP uint: ${n}`);
  if (n < 256) return UINT_CACHE[n]!;
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from(bytes);
}

export function stringOptions(number: number, values: readonly string[]): CoapOptionValue[] {
  return values.map((v) => ({ number, value: Buffer.from(v, 'utf8') }));
}

export function uintOption(number: number, value: number): CoapOptionValue {
  return { number, value: encodeUint(value) };
}

/** The value of a uint option (RFC 7252 §3.2), undefined when absent. */
export function uintOptionOf(message: CoapMessage, number: number): number | undefined {
  return decodeUint(getOption(message, number));
}

/** Uri-Path segments (RFC 7252 §5.10.1), decoded as UTF-8. */
export function uriPathOf(message: CoapMessage): string[] {
  return stringsOf(message, CoapOption.UriPath);
}

/** Uri-Query arguments (RFC 7252 §5.10.1), decoded as UTF-8. */
export function uriQueryOf(message: CoapMessage): string[] {
  return stringsOf(message, CoapOption.UriQuery);
}

/** Location-Path segments of a 2.01 (RFC 7252 §5.10.7). */
export function locationPathOf(message: CoapMessage): string[] {
  return stringsOf(message, CoapOption.LocationPath);
}

function stringsOf(message: CoapMessage, number: number): string[] {
  const out: string[] = [];
  for (const o of message.options) if (o.number === number) out.push(o.value.toString('utf8'));
  return out;
}

/** "2.05" -> its wire byte; the inverse of formatCode. */
export function parseCode(dotted: string): number {
  const m = /^([0-7])\.(\d{2})$/.exec(dotted);
  if (!m || Number(m[2]) > 31) throw new RangeError(`not a CoAP code: ${dotted}`);
  return code(Number(m[1]), Number(m[2]));
}
