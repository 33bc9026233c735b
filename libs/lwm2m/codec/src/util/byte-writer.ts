/** A growable output buffer shared by the binary encoders (TLV, CBOR): one allocation per doubling. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.length++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  u24(value: number): void {
    this.u8(value >>> 16);
    this.u16(value & 0xffff);
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  u64(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, value));
    this.length += 8;
  }

  f16bits(bits: number): void {
    this.u16(bits);
  }

  f32(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, value);
    this.length += 4;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Writes a big-endian field of `size` bytes at `at` (used to patch TLV lengths). */
  patch(at: number, size: number, value: number): void {
    for (let i = size - 1; i >= 0; i--) {
      this.buf[at + i] = value & 0xff;
      value = Math.floor(value / 256);
    }
  }

  /** Moves everything from `from` to the end `by` bytes to the left (drops the bytes just before `from`). */
  shiftLeft(from: number, by: number): void {
    this.buf.copyWithin(from - by, from, this.length);
    this.length -= by;
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
