import { createCipheriv } from 'node:crypto';
import { AesCcm8Protection } from './aes-ccm8';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
const salt = hex('a0a1a2a3');
const header = { type: 23, version: 0xfefd, epoch: 1, sequence: 5 };

describe('AES-128-CCM_8 record protection (RFC 6655 §3, RFC 5116)', () => {
  it("node:crypto's CCM matches NIST SP 800-38C example 3 (12-byte nonce, 8-byte tag)", () => {
    const c = createCipheriv(
      'aes-128-ccm',
      hex('404142434445464748494a4b4c4d4e4f'),
      hex('101112131415161718191a1b'),
      {
        authTagLength: 8,
      },
    );
    c.setAAD(hex('000102030405060708090a0b0c0d0e0f10111213'), { plaintextLength: 24 });
    const ct = Buffer.concat([c.update(hex('202122232425262728292a2b2c2d2e2f3031323334353637')), c.final()]);
    expect(ct.toString('hex') + c.getAuthTag().toString('hex')).toBe(
      'e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951',
    );
  });

  // Vectors computed independently with Python `cryptography` AESCCM: nonce = salt + epoch + seq, AAD =
  // epoch + seq + type + version + length (RFC 5246 §6.2.3.3) or the RFC 9146 §5 CID form.
  it('seals a record as nonce_explicit + ciphertext + tag (independent vector)', () => {
    const p = new AesCcm8Protection(key, salt, key, salt);
    expect(p.seal(header, Buffer.from('hello dtls')).toString('hex')).toBe(
      '00010000000000054498625bc086a0477044ae3e8c67637938d3',
    );
  });

  it('seals a tls12_cid record with the RFC 9146 §5 additional data (independent vector)', () => {
    const p = new AesCcm8Protection(key, salt, key, salt);
    const inner = Buffer.concat([Buffer.from('hello dtls'), Buffer.from([23])]);
    const cidHeader = { ...header, type: 25, cid: hex('cafe0102') };
    expect(p.seal(cidHeader, inner).toString('hex')).toBe(
      '00010000000000054498625bc086a0477044401a744b17fad39288',
    );
    expect(p.open(cidHeader, p.seal(cidHeader, inner))!.equals(inner)).toBe(true);
  });

  it('opens what it sealed and refuses any change to the header, nonce, body or tag', () => {
    const p = new AesCcm8Protection(key, salt, key, salt);
    const sealed = p.seal(header, Buffer.from('payload'));
    expect(p.open(header, sealed)!.toString()).toBe('payload');
    expect(p.open({ ...header, sequence: 6 }, sealed)).toBeUndefined();
    expect(p.open({ ...header, type: 22 }, sealed)).toBeUndefined();
    expect(p.open({ ...header, epoch: 2 }, sealed)).toBeUndefined();
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 0x01;
      expect(p.open(header, bad)).toBeUndefined();
    }
    expect(p.open(header, sealed.subarray(0, 15))).toBeUndefined();
  });

  it('uses separate keys per direction', () => {
    const other = Buffer.alloc(16, 9);
    const client = new AesCcm8Protection(key, salt, other, salt);
    const server = new AesCcm8Protection(other, salt, key, salt);
    expect(server.open(header, client.seal(header, Buffer.from('x')))!.toString()).toBe('x');
    expect(client.open(header, client.seal(header, Buffer.from('x')))).toBeUndefined();
  });
});
