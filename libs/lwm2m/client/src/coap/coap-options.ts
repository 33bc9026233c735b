import { type NamedOption, type ParsedPacket } from 'coap-packet';

/** CoAP uint option values are big-endian with leading zero bytes removed; 0 is the empty string (RFC 7252 §3.2). */
export function encodeUint(value: number): Buffer {
  if (value === 0) return Buffer.alloc(0);
  const bytes: number[] = [];
  let v = value;
  while (v > 0) {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return Buffer.from(bytes);
}

export function decodeUint(value: Buffer): number {
  let out = 0;
  for (const b of value) out = out * 256 + b;
  return out;
}

export function stringOptions(
  name: NamedOption['name'],
  values: readonly string[] | undefined,
): NamedOption[] {
  return (values ?? []).map((v) => ({ name, value: Buffer.from(v, 'utf8') }));
}

export function uintOption(name: NamedOption['name'], value: number | undefined): NamedOption[] {
  return value === undefined ? [] : [{ name, value: encodeUint(value) }];
}

export function readStrings(packet: ParsedPacket, name: string): string[] {
  const out: string[] = [];
  for (const o of packet.options) if (o.name === name) out.push(o.value.toString('utf8'));
  return out;
}

export function readUint(packet: ParsedPacket, name: string): number | undefined {
  for (const o of packet.options) if (o.name === name) return decodeUint(o.value);
  return undefined;
}
