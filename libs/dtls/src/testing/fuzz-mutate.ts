/** Mutations for the DTLS fuzzer: byte-level ones and ones aware of the record and handshake headers. */
export type Rand = () => number;

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

export function int(rand: Rand, n: number): number {
  return Math.floor(rand() * n);
}

export function randomBytes(rand: Rand, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = int(rand, 256);
  return b;
}

function setField(b: Buffer, rand: Rand, offset: number, width: number): void {
  if (offset + width > b.length) return;
  const choice = int(rand, 4);
  const max = 2 ** (8 * width) - 1;
  const value =
    choice === 0
      ? 0
      : choice === 1
        ? max
        : choice === 2
          ? int(rand, max + 1)
          : b.readUIntBE(offset, width) + (rand() < 0.5 ? 1 : -1);
  b.writeUIntBE(((value % (max + 1)) + max + 1) % (max + 1), offset, width);
}

/** One random mutation of a datagram (a copy; the input is untouched). */
export function mutate(input: Buffer, rand: Rand): Buffer {
  let b = Buffer.from(input);
  const kind = int(rand, 12);
  switch (kind) {
    case 0: // flip bits
      for (let i = 1 + int(rand, 4); i > 0 && b.length > 0; i--) b[int(rand, b.length)]! ^= 1 << int(rand, 8);
      break;
    case 1: // interesting byte
      if (b.length > 0) b[int(rand, b.length)] = INTERESTING[int(rand, INTERESTING.length)]!;
      break;
    case 2: // truncate
      b = b.subarray(0, int(rand, b.length + 1));
      break;
    case 3: // append garbage
      b = Buffer.concat([b, randomBytes(rand, 1 + int(rand, 64))]);
      break;
    case 4: // insert or delete a byte run
      if (b.length > 2) {
        const at = int(rand, b.length);
        b =
          rand() < 0.5
            ? Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(rand, 16)))])
            : Buffer.concat([b.subarray(0, at), randomBytes(rand, 1 + int(rand, 16)), b.subarray(at)]);
      }
      break;
    case 5: // record type / version
      setField(b, rand, 0, 1);
      if (rand() < 0.5) setField(b, rand, 1, 2);
      break;
    case 6: // epoch
      setField(b, rand, 3, 2);
      break;
    case 7: // sequence number
      setField(b, rand, 5, 6);
      break;
    case 8: // record length
      setField(b, rand, 11, 2);
      break;
    case 9: // handshake header: type, length, message_seq, fragment offset/length
      setField(b, rand, 13 + [0, 1, 4, 6, 9][int(rand, 5)]!, [1, 3, 2, 3, 3][int(rand, 5)]!);
      break;
    case 10: // duplicate the datagram's records
      b = Buffer.concat([b, b]);
      break;
    default: // a random field somewhere in the body
      if (b.length > 14) setField(b, rand, 13 + int(rand, b.length - 14), 1 + int(rand, 2));
      break;
  }
  return b;
}
