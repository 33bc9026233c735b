import { ByteWriter } from '../util/byte-writer';
import { utf8Encode } from '../util/bytes';

/**
 * Deterministic CBOR encoding (RFC 8949 §4.2.1): shortest argument form, definite lengths, and floats in the
 * shortest of half/single/double that keeps the value exactly (§4.2.2 "preferred serialization").
 */
export class CborWriter {
  readonly out = new ByteWriter();

  head(major: number, arg: number | bigint): void {
    const m = major << 5;
    if (typeof arg === 'bigint') {
      if (arg <= BigInt(Number.MAX_SAFE_INTEGER)) return this.head(major, Number(arg));
      this.out.u8(m | 27);
      this.out.u64(arg);
      return;
    }
    if (arg < 24) this.out.u8(m | arg);
    else if (arg < 0x100) {
      this.out.u8(m | 24);
      this.out.u8(arg);
    } else if (arg < 0x10000) {
      this.out.u8(m | 25);
      this.out.u16(arg);
    } else if (arg < 0x100000000) {
      this.out.u8(m | 26);
      this.out.u32(arg);
    } else {
      this.out.u8(m | 27);
      this.out.u64(BigInt(arg));
    }
  }

  integer(value: number | bigint): void {
    if (typeof value === 'bigint') {
      if (value >= 0n) this.head(0, value);
      else this.head(1, -1n - value);
    } else if (value >= 0) this.head(0, value);
    else this.head(1, -1 - value);
  }

  float(value: number): void {
    const half = numberToHalf(value);
    if (half !== undefined) {
      this.out.u8(0xf9);
      this.out.f16bits(half);
    } else if (Number.isNaN(value) || Math.fround(value) === value) {
      this.out.u8(0xfa);
      this.out.f32(value);
    } else {
      this.out.u8(0xfb);
      this.out.f64(value);
    }
  }

  text(value: string): void {
    // Short ASCII strings (names like "6/0", "/3424/0/") are written without a TextEncoder allocation.
    if (value.length < 24) {
      let ascii = true;
      for (let i = 0; i < value.length && ascii; i++) ascii = value.charCodeAt(i) < 0x80;
      if (ascii) {
        this.out.u8(0x60 | value.length);
        for (let i = 0; i < value.length; i++) this.out.u8(value.charCodeAt(i));
        return;
      }
    }
    const bytes = utf8Encode(value);
    this.head(3, bytes.length);
    this.out.bytes(bytes);
  }

  bytes(value: Uint8Array): void {
    this.head(2, value.length);
    this.out.bytes(value);
  }

  boolean(value: boolean): void {
    this.out.u8(value ? 0xf5 : 0xf4);
  }

  null(): void {
    this.out.u8(0xf6);
  }

  arrayHeader(length: number): void {
    this.head(4, length);
  }

  mapHeader(length: number): void {
    this.head(5, length);
  }

  tag(tag: number): void {
    this.head(6, tag);
  }

  toBytes(): Uint8Array {
    return this.out.toBytes();
  }
}

/** The IEEE 754 half-precision bits of `value` when it is exactly representable (normal, subnormal, ±0, ±inf, NaN). */
export function numberToHalf(value: number): number | undefined {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs === 0) return sign;
  if (abs === Infinity) return sign | 0x7c00;
  if (abs >= 65520) return undefined;
  if (abs < 2 ** -14) {
    const mant = abs / 2 ** -24;
    return Number.isInteger(mant) ? sign | mant : undefined;
  }
  const exp = Math.floor(Math.log2(abs));
  const mant = (abs / 2 ** exp - 1) * 1024;
  if (!Number.isInteger(mant) || exp > 15) return undefined;
  return sign | ((exp + 15) << 10) | mant;
}
