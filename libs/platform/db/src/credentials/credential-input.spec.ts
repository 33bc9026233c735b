import { generateKeyPairSync } from 'node:crypto';
import {
  checkPskIdentity,
  CredentialInputError,
  generatePskKey,
  parsePskKeyHex,
  parseSha256Hex,
  publicKeyFromDer,
  publicKeyFromDerBase64,
  publicKeyFromPem,
} from './credential-input';

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p256Pem = p256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const p256Der = p256.publicKey.export({ format: 'der', type: 'spki' });
const KEY = '000102030405060708090a0b0c0d0e0f';
const pemOf = (der: Buffer) =>
  `-----BEGIN PUBLIC KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;

describe('parsePskKeyHex', () => {
  it.each([
    [KEY, KEY],
    [`0x${KEY.toUpperCase()}`, KEY],
    ['00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f', KEY],
    [` ${KEY} `, KEY],
    ['ab'.repeat(31) + 'cd'.repeat(33), 'ab'.repeat(31) + 'cd'.repeat(33)],
  ])('reads %j', (text, hex) => {
    expect(parsePskKeyHex(text).toString('hex')).toBe(hex);
  });

  it.each([
    ['', /hexadecimal/],
    ['xyz0', /hexadecimal/],
    ['abc', /hexadecimal/],
    ['00'.repeat(15), /16 to 64 bytes/],
    ['0102'.repeat(33), /16 to 64 bytes/],
    ['aa'.repeat(16), /repeated byte/],
  ])('refuses %j', (text, message) => {
    expect(() => parsePskKeyHex(text)).toThrow(message);
    expect(() => parsePskKeyHex(text)).toThrow(CredentialInputError);
  });

  it('never puts the key it was given in its messages', () => {
    const secret = 'c0ffee'.repeat(30);
    try {
      parsePskKeyHex(secret);
      throw new Error('accepted');
    } catch (err) {
      expect((err as Error).message).not.toContain('c0ffee');
    }
  });
});

describe('generatePskKey', () => {
  it('draws 16 fresh random bytes each time', () => {
    const a = generatePskKey();
    expect(a).toHaveLength(16);
    expect(generatePskKey().equals(a)).toBe(false);
  });
});

describe('checkPskIdentity', () => {
  it.each(['lyon-sl-0001', 'urn:imei:123', '~'.repeat(128)])('accepts %j', (id) => {
    expect(checkPskIdentity(id)).toBe(id);
  });
  it.each(['', 'with space', 'é', 'x'.repeat(129), 'tab\t'])('refuses %j', (id) => {
    expect(() => checkPskIdentity(id)).toThrow(CredentialInputError);
  });
});

describe('raw public keys', () => {
  it('reads a P-256 PEM, DER and base64 (standard and URL) to the same 91-byte SPKI', () => {
    const fromPem = publicKeyFromPem(p256Pem);
    expect(fromPem).toHaveLength(91);
    expect(publicKeyFromDer(p256Der).equals(fromPem)).toBe(true);
    expect(publicKeyFromDerBase64(p256Der.toString('base64')).equals(fromPem)).toBe(true);
    expect(publicKeyFromDerBase64(p256Der.toString('base64url')).equals(fromPem)).toBe(true);
  });

  it('takes the uncompressed form of a compressed point', () => {
    const compressed = Buffer.concat([
      Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'),
      Buffer.from([0x02 + (p256Der[p256Der.length - 1]! & 1)]),
      p256Der.subarray(27, 59),
    ]);
    expect(publicKeyFromDer(compressed).equals(p256Der)).toBe(true);
  });

  it.each([
    [
      'a private key',
      p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      /private key.*never its private key/,
    ],
    ['a SEC1 private key', p256.privateKey.export({ format: 'pem', type: 'sec1' }).toString(), /private key/],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', /X\.509/],
    [
      'a P-384 key',
      generateKeyPairSync('ec', { namedCurve: 'P-384' })
        .publicKey.export({ format: 'pem', type: 'spki' })
        .toString(),
      /P-256/,
    ],
    [
      'an Ed25519 key',
      generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      /P-256/,
    ],
    ['two keys', p256Pem + p256Pem, /one PEM/],
    ['no PEM at all', 'hello', /one PEM/],
    [
      'a point off the curve',
      pemOf(Buffer.concat([p256Der.subarray(0, 90), Buffer.from([p256Der[90]! ^ 1])])),
      /not a valid/,
    ],
  ])('refuses %s', (_what, pem, message) => {
    expect(() => publicKeyFromPem(pem)).toThrow(message);
  });

  it.each([
    ['not base64', '*not base64*', /not base64/],
    ['random bytes', Buffer.from('0123456789').toString('base64'), /not a valid public key/],
  ])('refuses DER base64 that is %s', (_what, text, message) => {
    expect(() => publicKeyFromDerBase64(text)).toThrow(message);
  });
});

describe('parseSha256Hex', () => {
  const hex = 'ab'.repeat(32);
  it.each([hex, hex.toUpperCase(), hex.match(/../g)!.join(':')])('reads %j', (text) => {
    expect(parseSha256Hex(text).toString('hex')).toBe(hex);
  });
  it.each(['', 'ab'.repeat(31), 'zz'.repeat(32)])('refuses %j', (text) => {
    expect(() => parseSha256Hex(text)).toThrow(CredentialInputError);
  });
});
