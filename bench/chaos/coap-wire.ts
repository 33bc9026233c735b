/**
 * The few CoAP messages a chaos device exchanges, encoded and parsed here (RFC 7252 §3), so the runner depends on
 * no CoAP stack under change: header, token, options (delta/length nibbles with 13/14 extensions), payload marker.
 */
export enum CoapType {
  CON = 0,
  NON = 1,
  ACK = 2,
  RST = 3,
}

/** Option numbers used here (RFC 7252 §5.10, Table 4). */
export const Opt = {
  LocationPath: 8,
  UriPath: 11,
  ContentFormat: 12,
  MaxAge: 14,
  UriQuery: 15,
} as const;

export interface CoapOption {
  readonly number: number;
  readonly value: Buffer;
}

export interface CoapMessage {
  readonly type: CoapType;
  /** class * 32 + detail, e.g. 2.04 = 68 (RFC 7252 §3). */
  readonly code: number;
  readonly messageId: number;
  readonly token: Buffer;
  readonly options: readonly CoapOption[];
  readonly payload: Buffer;
}

export const code = (cls: number, detail: number) => cls * 32 + detail;
export const POST = code(0, 2);
export const PUT = code(0, 3);
export const CHANGED = code(2, 4);
export const CREATED = code(2, 1);
export const codeText = (c: number) => `${c >> 5}.${String(c & 31).padStart(2, '0')}`;

export function encode(m: CoapMessage): Buffer {
  const parts: Buffer[] = [
    Buffer.from([0x40 | (m.type << 4) | m.token.length, m.code, m.messageId >> 8, m.messageId & 0xff]),
    m.token,
  ];
  let last = 0;
  for (const o of [...m.options].sort((a, b) => a.number - b.number)) {
    const delta = o.number - last;
    last = o.number;
    const [dn, dx] = nibble(delta);
    const [ln, lx] = nibble(o.value.length);
    parts.push(Buffer.from([(dn << 4) | ln]), dx, lx, o.value);
  }
  if (m.payload.length > 0) parts.push(Buffer.from([0xff]), m.payload);
  return Buffer.concat(parts);
}

/** Parses a datagram; undefined when it is not a well-formed CoAP message. */
export function decode(buf: Buffer): CoapMessage | undefined {
  if (buf.length < 4 || buf[0]! >> 6 !== 1) return undefined;
  const tkl = buf[0]! & 0x0f;
  if (tkl > 8 || buf.length < 4 + tkl) return undefined;
  const options: CoapOption[] = [];
  let i = 4 + tkl;
  let number = 0;
  while (i < buf.length && buf[i] !== 0xff) {
    const byte = buf[i++]!;
    const d = extended(byte >> 4, buf, i);
    if (!d) return undefined;
    i = d.next;
    const l = extended(byte & 0x0f, buf, i);
    if (!l) return undefined;
    i = l.next;
    number += d.value;
    if (i + l.value > buf.length) return undefined;
    options.push({ number, value: buf.subarray(i, i + l.value) });
    i += l.value;
  }
  const payload = i < buf.length ? buf.subarray(i + 1) : Buffer.alloc(0);
  return {
    type: ((buf[0]! >> 4) & 0x03) as CoapType,
    code: buf[1]!,
    messageId: buf.readUInt16BE(2),
    token: buf.subarray(4, 4 + tkl),
    options,
    payload,
  };
}

export function uint(value: number): Buffer {
  if (value === 0) return Buffer.alloc(0);
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

export function optionUint(m: CoapMessage, number: number): number | undefined {
  const o = m.options.find((x) => x.number === number);
  return o ? o.value.reduce((n, b) => n * 256 + b, 0) : undefined;
}

export function optionStrings(m: CoapMessage, number: number): string[] {
  return m.options.filter((x) => x.number === number).map((x) => x.value.toString('utf8'));
}

export function stringOptions(number: number, values: readonly string[]): CoapOption[] {
  return values.map((v) => ({ number, value: Buffer.from(v, 'utf8') }));
}

function nibble(n: number): [number, Buffer] {
  if (n < 13) return [n, Buffer.alloc(0)];
  if (n < 269) return [13, Buffer.from([n - 13])];
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n - 269);
  return [14, b];
}

function extended(n: number, buf: Buffer, i: number): { value: number; next: number } | undefined {
  if (n < 13) return { value: n, next: i };
  if (n === 13) return i < buf.length ? { value: buf[i]! + 13, next: i + 1 } : undefined;
  if (n === 14) return i + 1 < buf.length ? { value: buf.readUInt16BE(i) + 269, next: i + 2 } : undefined;
  return undefined; // 15 is reserved (payload marker in the length nibble is a format error)
}
