import { decodeError } from '../errors';

/**
 * A bounds-checked big-endian reader over one buffer (RFC 5246 §4 presentation language). Every read past the end
 * throws DtlsError(decode_error); slices are views, not copies.
 */
export class ByteReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what = 'message',
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) throw decodeError(`${this.what} truncated at offset ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u48(): number {
    this.need(6);
    const v = this.buf.readUIntBE(this.pos, 6);
    this.pos += 6;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** opaque x<min..max> with a 1-byte length. */
  vector8(min = 0, max = 255): Buffer {
    return this.checked(this.u8(), min, max);
  }

  /** opaque x<min..max> with a 2-byte length. */
  vector16(min = 0, max = 65535): Buffer {
    return this.checked(this.u16(), min, max);
  }

  /** opaque x<min..max> with a 3-byte length. */
  vector24(min = 0, max = 16777215): Buffer {
    return this.checked(this.u24(), min, max);
  }

  private checked(len: number, min: number, max: number): Buffer {
    if (len < min || len > max)
      throw decodeError(`${this.what}: vector length ${len} outside ${min}..${max}`);
    return this.bytes(len);
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** RFC 5246 §7.4: a message must be consumed exactly; trailing bytes are a decode_error. */
  end(): void {
    if (this.remaining !== 0) throw decodeError(`${this.what}: ${this.remaining} trailing bytes`);
  }
}

/** Reads a list of uint16 values from a vector (cipher suites, groups, signature schemes). */
export function readU16List(vec: Buffer, what: string): number[] {
  if (vec.length % 2 !== 0) throw decodeError(`${what}: odd length`);
  const out: number[] = [];
  for (let i = 0; i < vec.length; i += 2) out.push(vec.readUInt16BE(i));
  return out;
}
