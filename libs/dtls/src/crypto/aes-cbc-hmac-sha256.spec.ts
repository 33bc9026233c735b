import { createCipheriv, createHmac } from 'node:crypto';
import { AesCbcHmacSha256Protection } from './aes-cbc-hmac-sha256';
import { additionalData } from '../record/record-protection';

const macKey = Buffer.alloc(32, 0x11);
const encKey = Buffer.alloc(16, 0x22);
const fixedIv = (n: number): Buffer => Buffer.alloc(n, 0x33);
const header = { type: 23, version: 0xfefd, epoch: 1, sequence: 7 };

function protection(): AesCbcHmacSha256Protection {
  return new AesCbcHmacSha256Protection(macKey, encKey, macKey, encKey, fixedIv);
}

/** A record sealed by hand with any padding length (RFC 5246 §6.2.3.2 allows up to 255). */
function sealWith(plaintext: Buffer, padLength: number, corrupt?: (body: Buffer) => void): Buffer {
  const mac = createHmac('sha256', macKey)
    .update(additionalData(header, plaintext.length))
    .update(plaintext)
    .digest();
  const body = Buffer.concat([plaintext, mac, Buffer.alloc(padLength + 1, padLength)]);
  corrupt?.(body);
  const c = createCipheriv('aes-128-cbc', encKey, fixedIv(16)).setAutoPadding(false);
  return Buffer.concat([fixedIv(16), c.update(body), c.final()]);
}

describe('AES-128-CBC + HMAC-SHA256 record protection (RFC 5487, RFC 5246 §6.2.3.2)', () => {
  it('seals with an explicit IV, MAC-then-encrypt and minimal padding (independent vector)', () => {
    // Computed with Python `cryptography` + hmac from the RFC 5246 §6.2.3.2 layout.
    expect(protection().seal(header, Buffer.from('legacy')).toString('hex')).toBe(
      '33333333333333333333333333333333' +
        '18783ec457ce65dbc8ea0f413251dcccdaf4c5c77a5dee9c787642676253b4849cd0f016dabd278a7b2da69329fc33da',
    );
  });

  it('round-trips every plaintext length from 0 to 100', () => {
    const p = protection();
    for (let n = 0; n <= 100; n++) {
      const data = Buffer.alloc(n, n);
      expect(p.open(header, p.seal(header, data))!.equals(data)).toBe(true);
    }
  });

  it('accepts any valid padding length the peer chose, up to 255', () => {
    const p = protection();
    for (const pad of [0, 1, 15, 16, 100, 255]) {
      // Keep the whole body a multiple of the block size.
      const base = 16 - ((32 + pad + 1) % 16);
      const data = Buffer.alloc(base % 16, 0x41);
      expect(p.open(header, sealWith(data, pad))?.equals(data)).toBe(true);
    }
  });

  it('refuses bad padding, a bad MAC and wrong header fields alike (one failure path)', () => {
    const p = protection();
    const data = Buffer.alloc(10, 0x41); // 10 + 32 + 6 = 48
    expect(p.open(header, sealWith(data, 5))).toBeDefined();
    expect(
      p.open(
        header,
        sealWith(data, 5, (b) => (b[b.length - 2] = 4)),
      ),
    ).toBeUndefined(); // padding byte
    expect(
      p.open(
        header,
        sealWith(data, 5, (b) => (b[12]! ^= 1)),
      ),
    ).toBeUndefined(); // MAC byte
    expect(
      p.open(
        header,
        sealWith(data, 5, (b) => (b[0]! ^= 1)),
      ),
    ).toBeUndefined(); // content
    expect(
      p.open(
        header,
        sealWith(data, 5, (b) => (b[b.length - 1] = 200)),
      ),
    ).toBeUndefined(); // pad too long
    expect(p.open({ ...header, sequence: 8 }, sealWith(data, 5))).toBeUndefined();
  });

  it('refuses fragments that cannot hold an IV, a MAC and padding, or are not whole blocks', () => {
    const p = protection();
    expect(p.open(header, Buffer.alloc(16 + 32))).toBeUndefined();
    expect(p.open(header, Buffer.alloc(16 + 48 + 1))).toBeUndefined();
    expect(p.open(header, Buffer.alloc(16 + 48))).toBeUndefined(); // decrypts to garbage: MAC fails
  });
});
