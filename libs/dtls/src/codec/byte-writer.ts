/** Big-endian encoders for the RFC 5246 §4 presentation language; outputs are fresh buffers. */

export function u8(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}

export function u16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(v & 0xffff, 0);
  return b;
}

export function u24(v: number): Buffer {
  const b = Buffer.allocUnsafe(3);
  b.writeUIntBE(v, 0, 3);
  return b;
}

export function u48(v: number): Buffer {
  const b = Buffer.allocUnsafe(6);
  b.writeUIntBE(v, 0, 6);
  return b;
}

/** opaque x<..2^8-1>: 1-byte length then the bytes. Throws RangeError on overflow (a programming error). */
export function vector8(data: Buffer): Buffer {
  if (data.length > 0xff) throw new RangeError('vector8 overflow');
  return Buffer.concat([u8(data.length), data]);
}

export function vector16(data: Buffer): Buffer {
  if (data.length > 0xffff) throw new RangeError('vector16 overflow');
  return Buffer.concat([u16(data.length), data]);
}

export function vector24(data: Buffer): Buffer {
  if (data.length > 0xffffff) throw new RangeError('vector24 overflow');
  return Buffer.concat([u24(data.length), data]);
}

export function u16List(values: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v, i * 2));
  return b;
}
