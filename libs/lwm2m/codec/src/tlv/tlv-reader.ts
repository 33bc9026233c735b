import { Lwm2mCodecError } from '@smartcity/lwm2m-core';

/** TLV identifier types: bits 7-6 of the type byte (Core 1.0 §6.4.3 Table 20 / Transport 1.1.1 §7.4.3). */
export const enum TlvType {
  ObjectInstance = 0,
  ResourceInstance = 1,
  MultipleResource = 2,
  ResourceValue = 3,
}

export interface TlvItem {
  readonly type: TlvType;
  readonly id: number;
  /** Offset of the type byte, for error locations. */
  readonly offset: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** The maximum TLV length field is 24 bits (Transport 1.1.1 §7.4.3: "16.7 MB"). */
export const TLV_MAX_LENGTH = 0xffffff;

/**
 * Reads the TLVs of one level between `start` and `end`. Lengths are checked against the enclosing range,
 * so a length larger than the payload is reported, never trusted.
 */
export function readTlvs(bytes: Uint8Array, start: number, end: number, maxItems: number): TlvItem[] {
  const items: TlvItem[] = [];
  let pos = start;
  while (pos < end) {
    if (items.length >= maxItems) {
      throw new Lwm2mCodecError('too-many-records', `more than ${maxItems} TLVs`, { offset: pos });
    }
    const offset = pos;
    const typeByte = bytes[pos++] as number;
    const type = (typeByte >> 6) as TlvType;
    const idLength = typeByte & 0x20 ? 2 : 1;
    const lengthType = (typeByte >> 3) & 0x03;
    const headerLeft = idLength + lengthType;
    if (pos + headerLeft > end) {
      throw new Lwm2mCodecError('truncated', 'TLV header cut short', { offset });
    }
    let id = bytes[pos++] as number;
    if (idLength === 2) id = (id << 8) | (bytes[pos++] as number);
    let length = typeByte & 0x07;
    if (lengthType > 0) {
      length = 0;
      for (let i = 0; i < lengthType; i++) length = length * 256 + (bytes[pos++] as number);
    }
    if (pos + length > end) {
      throw new Lwm2mCodecError('truncated', `TLV length ${length} exceeds the ${end - pos} bytes left`, {
        offset,
      });
    }
    if (id === 65535)
      throw new Lwm2mCodecError('invalid-path', 'TLV identifier 65535 is reserved', { offset });
    items.push({ type, id, offset, valueStart: pos, valueEnd: pos + length });
    pos += length;
  }
  return items;
}
