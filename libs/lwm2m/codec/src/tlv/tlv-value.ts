import {
  type DataType,
  INT64_MAX,
  INT64_MIN,
  type Lwm2mValue,
  type ObjectLink,
  UINT64_MAX,
  normalizeInteger,
} from '@smartcity/lwm2m-core';
import { type ByteWriter } from '../util/byte-writer';
import { utf8Decode, utf8Encode } from '../util/bytes';

/**
 * TLV value encodings (Transport 1.1.1 §7.4.3.1 / Core 1.0 §6.4.3.1): Integer and Time are 1, 2, 4 or 8 byte
 * big-endian two's complement, Unsigned Integer 1/2/4/8 bytes unsigned, Float 4 or 8 byte IEEE 754, Boolean one
 * byte 0/1, Objlnk two 16-bit ids, String/Corelnk UTF-8, Opaque raw. Returns undefined on a bad length/content.
 */
export function decodeTlvValue(type: DataType, bytes: Uint8Array, offset: number): Lwm2mValue | undefined {
  const len = bytes.length;
  // Integers of 1, 2 and 4 bytes (nearly all of them) are read without DataView nor BigInt.
  if ((type === 'integer' || type === 'time') && len !== 8) {
    if (len === 1) return ((bytes[0] as number) << 24) >> 24;
    if (len === 2) return ((((bytes[0] as number) << 8) | (bytes[1] as number)) << 16) >> 16;
    if (len === 4)
      return (
        ((bytes[0] as number) << 24) |
        ((bytes[1] as number) << 16) |
        ((bytes[2] as number) << 8) |
        (bytes[3] as number)
      );
    return undefined;
  }
  if (type === 'unsigned' && len !== 8) {
    if (len === 1) return bytes[0] as number;
    if (len === 2) return ((bytes[0] as number) << 8) | (bytes[1] as number);
    if (len === 4)
      return (
        (((bytes[0] as number) << 24) |
          ((bytes[1] as number) << 16) |
          ((bytes[2] as number) << 8) |
          (bytes[3] as number)) >>>
        0
      );
    return undefined;
  }
  if (type === 'boolean') return len === 1 && (bytes[0] as number) <= 1 ? bytes[0] === 1 : undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, len);
  switch (type) {
    case 'string':
    case 'corelnk':
      return utf8Decode(bytes, offset);
    case 'opaque':
      return bytes.slice();
    case 'integer':
    case 'time': {
      const n = readSigned(view);
      return n === undefined ? undefined : type === 'time' ? Number(n) : normalizeInteger(n);
    }
    case 'unsigned': {
      const n = readUnsigned(view);
      return n === undefined ? undefined : normalizeInteger(n);
    }
    case 'float':
      if (bytes.length === 4) return view.getFloat32(0);
      if (bytes.length === 8) return view.getFloat64(0);
      return undefined;
    case 'objlnk':
      return bytes.length === 4 ? { objectId: view.getUint16(0), instanceId: view.getUint16(2) } : undefined;
    case 'none':
      return bytes.length === 0 ? null : undefined;
  }
  return undefined;
}

function readSigned(view: DataView): bigint | undefined {
  switch (view.byteLength) {
    case 1:
      return BigInt(view.getInt8(0));
    case 2:
      return BigInt(view.getInt16(0));
    case 4:
      return BigInt(view.getInt32(0));
    case 8:
      return view.getBigInt64(0);
    default:
      return undefined;
  }
}

function readUnsigned(view: DataView): bigint | undefined {
  switch (view.byteLength) {
    case 1:
      return BigInt(view.getUint8(0));
    case 2:
      return BigInt(view.getUint16(0));
    case 4:
      return BigInt(view.getUint32(0));
    case 8:
      return view.getBigUint64(0);
    default:
      return undefined;
  }
}

/** Writes the value bytes only (the caller writes the header once it knows the length). */
export function encodeTlvValue(out: ByteWriter, type: DataType, value: Lwm2mValue): void {
  switch (type) {
    case 'string':
    case 'corelnk':
      return out.bytes(utf8Encode(value as string));
    case 'opaque':
      return out.bytes(value as Uint8Array);
    case 'integer':
      return writeSigned(out, BigInt(value as number | bigint));
    case 'time':
      return writeSigned(out, BigInt(Math.floor(value as number)));
    case 'unsigned':
      return writeUnsigned(out, BigInt(value as number | bigint));
    case 'float': {
      const f = value as number;
      // Single precision whenever it keeps the exact value (NaN and infinities included).
      if (Number.isNaN(f) || Math.fround(f) === f) out.f32(f);
      else out.f64(f);
      return;
    }
    case 'boolean':
      return out.u8(value ? 1 : 0);
    case 'objlnk': {
      const l = value as ObjectLink;
      out.u16(l.objectId);
      out.u16(l.instanceId);
      return;
    }
    case 'none':
      return;
  }
}

/** Shortest two's complement width among 1, 2, 4, 8 bytes. */
function writeSigned(out: ByteWriter, n: bigint): void {
  if (n < INT64_MIN || n > INT64_MAX) throw new RangeError('integer outside Int64');
  if (n >= -128n && n <= 127n) out.u8(Number(n) & 0xff);
  else if (n >= -32768n && n <= 32767n) out.u16(Number(n) & 0xffff);
  else if (n >= -2147483648n && n <= 2147483647n) out.u32(Number(n) >>> 0);
  else out.u64(n);
}

function writeUnsigned(out: ByteWriter, n: bigint): void {
  if (n < 0n || n > UINT64_MAX) throw new RangeError('integer outside UInt64');
  if (n <= 0xffn) out.u8(Number(n));
  else if (n <= 0xffffn) out.u16(Number(n));
  else if (n <= 0xffffffffn) out.u32(Number(n));
  else out.u64(n);
}
