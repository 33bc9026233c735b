import { randomBytes } from 'node:crypto';
import { CredentialKeyError, CredentialKeyring } from './credential-keyring';

const key = () => randomBytes(32).toString('base64');

describe('CredentialKeyring (AES-256-GCM at rest)', () => {
  it('seals with the first key and opens with the key that sealed', () => {
    const old = key();
    const before = new CredentialKeyring(`k1:${old}`);
    const sealed = before.seal(Buffer.from('00112233445566778899aabbccddeeff', 'hex'), 'device-1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.sealed.includes(Buffer.from('00112233445566778899aabbccddeeff', 'hex'))).toBe(false);
    const rotated = new CredentialKeyring(`k2:${key()},k1:${old}`);
    expect(rotated.open(sealed, 'device-1').toString('hex')).toBe('00112233445566778899aabbccddeeff');
    expect(rotated.seal(Buffer.of(1), 'device-1').keyId).toBe('k2');
  });

  it.each([
    [
      'another owner (a row swapped for another)',
      (r: CredentialKeyring, s: ReturnType<CredentialKeyring['seal']>) => r.open(s, 'device-2'),
    ],
    [
      'a flipped byte',
      (r: CredentialKeyring, s: ReturnType<CredentialKeyring['seal']>) => {
        const b = Buffer.from(s.sealed);
        b[b.length - 1]! ^= 1;
        return r.open({ ...s, sealed: b }, 'device-1');
      },
    ],
    [
      'an unknown key id',
      (r: CredentialKeyring, s: ReturnType<CredentialKeyring['seal']>) =>
        r.open({ ...s, keyId: 'nope' }, 'device-1'),
    ],
  ])('refuses %s without revealing anything', (_name, attempt) => {
    const ring = new CredentialKeyring(`k1:${key()}`);
    const sealed = ring.seal(Buffer.from('secret-key-bytes'), 'device-1');
    let error: unknown;
    try {
      attempt(ring, sealed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CredentialKeyError);
    expect(String((error as Error).message)).not.toContain('secret-key-bytes');
  });

  it.each([
    ['no key', ''],
    ['no id', `:${key()}`],
    ['a short key', `k:${Buffer.alloc(16).toString('base64')}`],
    ['a repeated id', `k:${key()},k:${key()}`],
  ])('refuses a configuration with %s', (_name, spec) => {
    expect(() => new CredentialKeyring(spec)).toThrow(CredentialKeyError);
  });
});
