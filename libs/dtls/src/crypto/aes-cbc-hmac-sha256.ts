import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { additionalData, type RecordHeader, type RecordProtection } from '../record/record-protection';
import { eqMask, ltMask } from './constant-time';

const BLOCK = 16;
const MAC = 32;
const SHA256_BLOCK = 64;
/** Zero bytes fed to a throw-away hash so every record costs the same number of SHA-256 compressions. */
const DUMMY = Buffer.alloc(SHA256_BLOCK * 8);

/** SHA-256 compression-function calls for the HMAC inner hash over `n` message bytes (key block + padding). */
function innerBlocks(n: number): number {
  return Math.ceil((SHA256_BLOCK + n + 9) / SHA256_BLOCK);
}

/**
 * AES-128-CBC with HMAC-SHA256, MAC-then-encrypt, for TLS_PSK_WITH_AES_128_CBC_SHA256 (RFC 5487 §3.1,
 * RFC 5246 §6.2.3.2: explicit per-record IV, padding bytes all equal to padding_length).
 *
 * Opening resists Lucky Thirteen (AlFardan & Paterson 2013; RFC 7457 §2.6): the padding is checked with masks
 * over a fixed window, a bad padding is treated as zero-length padding, the HMAC is topped up with dummy
 * compressions so the total work does not depend on the padding length, the received MAC is copied out with a
 * scan over every possible position, and the comparison is `timingSafeEqual`. Every failure looks the same.
 */
export class AesCbcHmacSha256Protection implements RecordProtection {
  /** IV + MAC + at most one block of padding (we always pad minimally). */
  readonly expansion = BLOCK + MAC + BLOCK;

  private readonly writeMacKey: KeyObject;
  private readonly writeKey: KeyObject;
  private readonly readMacKey: KeyObject;
  private readonly readKey: KeyObject;

  constructor(
    writeMacKey: Buffer,
    writeKey: Buffer,
    readMacKey: Buffer,
    readKey: Buffer,
    private readonly randomBytes: (n: number) => Buffer,
  ) {
    this.writeMacKey = createSecretKey(writeMacKey);
    this.writeKey = createSecretKey(writeKey);
    this.readMacKey = createSecretKey(readMacKey);
    this.readKey = createSecretKey(readKey);
  }

  /** RFC 5246 §6.2.3.2: padding_length up to 255, any length that makes whole blocks. */
  sealedLengthRange(plaintextLength: number): readonly [number, number] {
    const min = Math.ceil((plaintextLength + MAC + 1) / BLOCK) * BLOCK;
    const max = Math.floor((plaintextLength + MAC + 256) / BLOCK) * BLOCK;
    return [BLOCK + min, BLOCK + max];
  }

  seal(header: RecordHeader, plaintext: Buffer): Buffer {
    const mac = createHmac('sha256', this.writeMacKey)
      .update(additionalData(header, plaintext.length))
      .update(plaintext)
      .digest();
    const padLength = BLOCK - 1 - ((plaintext.length + MAC) % BLOCK);
    const padding = Buffer.alloc(padLength + 1, padLength);
    const iv = this.randomBytes(BLOCK);
    const cipher = createCipheriv('aes-128-cbc', this.writeKey, iv).setAutoPadding(false);
    return Buffer.concat([iv, cipher.update(Buffer.concat([plaintext, mac, padding])), cipher.final()]);
  }

  open(header: RecordHeader, fragment: Buffer): Buffer | undefined {
    // Public checks: the length must hold an IV and whole blocks with room for the MAC and a padding byte.
    const bodyLength = fragment.length - BLOCK;
    if (bodyLength < MAC + BLOCK || bodyLength % BLOCK !== 0) return undefined;
    const decipher = createDecipheriv('aes-128-cbc', this.readKey, fragment.subarray(0, BLOCK));
    decipher.setAutoPadding(false);
    const pt = Buffer.concat([decipher.update(fragment.subarray(BLOCK)), decipher.final()]);
    const n = pt.length;

    // Padding: valid when pad + 1 + MAC <= n and the last pad+1 bytes all equal pad; checked over a fixed
    // window of 256 bytes (or the whole plaintext when shorter), without branching on the values.
    const pad = pt[n - 1]!;
    let good = ~ltMask(n, pad + 1 + MAC);
    const window = Math.min(256, n);
    for (let i = 0; i < window; i++) {
      const inPadding = ~ltMask(pad, i); // i <= pad
      good &= ~(inPadding & ~eqMask(pt[n - 1 - i]!, pad));
    }
    const effectivePad = pad & good;
    const contentLength = n - MAC - 1 - effectivePad;

    // HMAC over the content actually present, then dummy compressions up to the cost of the longest content.
    const aad = additionalData(header, contentLength);
    const expected = createHmac('sha256', this.readMacKey)
      .update(aad)
      .update(pt.subarray(0, contentLength))
      .digest();
    const maxContent = n - MAC - 1;
    const extra = innerBlocks(aad.length + maxContent) - innerBlocks(aad.length + contentLength);
    createHash('sha256')
      .update(DUMMY.subarray(0, extra * SHA256_BLOCK))
      .digest();

    // Copy the received MAC out of its (secret) position by scanning every candidate start.
    const received = Buffer.alloc(MAC);
    const scanStart = Math.max(0, maxContent - 255);
    for (let start = scanStart; start <= maxContent; start++) {
      const take = eqMask(start, contentLength) & 0xff;
      for (let k = 0; k < MAC; k++) received[k]! |= pt[start + k]! & take;
    }
    const macOk = timingSafeEqual(expected, received);
    return macOk && good !== 0 ? pt.subarray(0, contentLength) : undefined;
  }
}
