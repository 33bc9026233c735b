import { Lwm2mCodecError } from '@smartcity/lwm2m-core';
import { type DecodeLimits } from '../codec-limits';
import { utf8Decode } from '../util/bytes';
import { CborFloat, type CborItem, type CborKey, CborTagged } from './cbor-item';

export interface CborReadOptions {
  /** Indefinite-length arrays and maps (RFC 8949 §3.2.2); streaming encoders such as Anjay emit them. */
  readonly allowIndefiniteContainers: boolean;
  /** Arrays as map keys (LwM2M CBOR path keys); refused otherwise. */
  readonly allowArrayKeys?: boolean;
}

/**
 * A bounded CBOR decoder for the LwM2M subset (RFC 8949). Every length is checked against the bytes left before
 * anything is allocated, nesting is capped by limits.maxDepth, item count by 16 x maxRecords, and text strings by
 * maxStringLength, so memory and time stay O(payload). Indefinite-length strings, non-integer/text map keys,
 * duplicate keys and simple values other than false/true/null/undefined are refused.
 */
export class CborReader {
  private pos = 0;
  private items = 0;
  private readonly view: DataView;
  private readonly maxItems: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: DecodeLimits,
    private readonly options: CborReadOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.maxItems = limits.maxRecords * 16;
  }

  get offset(): number {
    return this.pos;
  }

  /** Reads exactly one item spanning the whole payload. */
  readSingle(): CborItem {
    if (this.bytes.length === 0) throw this.error('truncated', 'empty CBOR payload');
    const item = this.read(0);
    if (this.pos !== this.bytes.length) throw this.error('trailing-bytes', 'bytes after the CBOR item');
    return item;
  }

  read(depth: number): CborItem {
    if (depth > this.limits.maxDepth)
      throw this.error('too-deep', `CBOR nesting deeper than ${this.limits.maxDepth}`);
    if (++this.items > this.maxItems)
      throw this.error('too-many-records', `more than ${this.maxItems} CBOR items`);
    const start = this.pos;
    const initial = this.u8();
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) return this.readSimple(info, start);
    if (info === 31) return this.readIndefinite(major, depth, start);
    const arg = this.argument(info, start);
    switch (major) {
      case 0:
        return arg;
      case 1:
        return typeof arg === 'bigint' || arg > Number.MAX_SAFE_INTEGER - 1 ? -1n - BigInt(arg) : -1 - arg;
      case 2:
        return this.take(this.length(arg, start), start).slice();
      case 3: {
        const len = this.length(arg, start);
        if (len > this.limits.maxStringLength) {
          throw this.error('string-too-long', `text longer than ${this.limits.maxStringLength} bytes`, start);
        }
        return utf8Decode(this.take(len, start), start);
      }
      case 4: {
        const n = this.length(arg, start);
        const out: CborItem[] = [];
        for (let i = 0; i < n; i++) out.push(this.read(depth + 1));
        return out;
      }
      case 5: {
        // Each entry needs at least 2 bytes: refuse impossible counts before looping.
        const n = this.length(arg, start, 2);
        const map = new Map<CborKey, CborItem>();
        for (let i = 0; i < n; i++) this.readEntry(map, depth);
        return map;
      }
      default: {
        if (typeof arg === 'bigint') throw this.error('unsupported-item', 'CBOR tag number too large', start);
        return new CborTagged(arg, this.read(depth + 1));
      }
    }
  }

  private readEntry(map: Map<CborKey, CborItem>, depth: number): void {
    const keyAt = this.pos;
    const key = this.read(depth + 1);
    const arrayKey = Array.isArray(key) && this.options.allowArrayKeys === true;
    if (!arrayKey && typeof key !== 'string' && (typeof key !== 'number' || !Number.isInteger(key))) {
      throw this.error('unsupported-item', 'CBOR map keys must be integers or text', keyAt);
    }
    if (map.has(key as CborKey))
      throw this.error('duplicate', `duplicate CBOR map key ${JSON.stringify(key)}`, keyAt);
    map.set(key as CborKey, this.read(depth + 1));
  }

  private readIndefinite(major: number, depth: number, start: number): CborItem {
    if (major !== 4 && major !== 5) {
      throw this.error(
        'unsupported-item',
        `indefinite-length ${major === 2 || major === 3 ? 'string' : 'item'}`,
        start,
      );
    }
    if (!this.options.allowIndefiniteContainers) {
      throw this.error('unsupported-item', 'indefinite-length CBOR containers are not accepted here', start);
    }
    const array: CborItem[] = [];
    const map = new Map<CborKey, CborItem>();
    for (;;) {
      if (this.pos >= this.bytes.length)
        throw this.error('truncated', 'indefinite-length item without "break"');
      if (this.bytes[this.pos] === 0xff) {
        this.pos++;
        return major === 4 ? array : map;
      }
      if (major === 4) array.push(this.read(depth + 1));
      else this.readEntry(map, depth);
    }
  }

  private readSimple(info: number, start: number): CborItem {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
        return new CborFloat(halfToNumber(this.view.getUint16(this.advance(2, start))), 2);
      case 26:
        return new CborFloat(this.view.getFloat32(this.advance(4, start)), 4);
      case 27:
        return new CborFloat(this.view.getFloat64(this.advance(8, start)), 8);
      case 31:
        throw this.error('malformed', 'unexpected CBOR "break"', start);
      default:
        throw this.error('unsupported-item', `CBOR simple value ${info} is not used by LwM2M`, start);
    }
  }

  private argument(info: number, start: number): number | bigint {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.bytes[this.advance(1, start)] as number;
      case 25:
        return this.view.getUint16(this.advance(2, start));
      case 26:
        return this.view.getUint32(this.advance(4, start));
      case 27: {
        const v = this.view.getBigUint64(this.advance(8, start));
        return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      default:
        throw this.error('malformed', `reserved CBOR additional information ${info}`, start);
    }
  }

  /** A length argument, checked against the bytes left (each element needs at least `minBytesEach`). */
  private length(arg: number | bigint, start: number, minBytesEach = 1): number {
    const left = this.bytes.length - this.pos;
    if (typeof arg === 'bigint' || arg * minBytesEach > left) {
      throw this.error('truncated', `CBOR length ${arg} exceeds the ${left} bytes left`, start);
    }
    return arg;
  }

  private u8(): number {
    if (this.pos >= this.bytes.length) throw this.error('truncated', 'CBOR payload ends inside an item');
    return this.bytes[this.pos++] as number;
  }

  private advance(n: number, start: number): number {
    if (this.pos + n > this.bytes.length)
      throw this.error('truncated', 'CBOR payload ends inside an item', start);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private take(n: number, start: number): Uint8Array {
    const at = this.advance(n, start);
    return this.bytes.subarray(at, at + n);
  }

  error(
    code: ConstructorParameters<typeof Lwm2mCodecError>[0],
    message: string,
    offset = this.pos,
  ): Lwm2mCodecError {
    return new Lwm2mCodecError(code, message, { offset });
  }
}

/** IEEE 754 half precision to number (RFC 8949 Appendix D). */
export function halfToNumber(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (mant + 1024) * 2 ** (exp - 25);
}
