import { generateKeyPairSync } from 'node:crypto';
import { GatewayErrorCode } from '../errors/gateway.exception';
import { checkCredential, type CredentialFields } from './credential.validation';

const KEY = '00112233445566778899aabbccddeeff';
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicPem = p256.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const privatePem = p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const refusal = (input: CredentialFields, endpoint = 'lyon-sl-1') => {
  try {
    checkCredential(input, endpoint, 'devices[3].credential');
  } catch (err) {
    return err as { code: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('accepted');
};

describe('checkCredential', () => {
  it('takes a given PSK, with no generated key to show', () => {
    const checked = checkCredential({ psk: { identity: 'id-1', keyHex: KEY } }, 'lyon-sl-1', 'c');
    expect(checked.credential).toEqual({ mode: 'psk', identity: 'id-1', key: Buffer.from(KEY, 'hex') });
    expect(checked.generated).toBeNull();
  });

  it('generates a 16-byte PSK named after the endpoint, and returns it to be shown once', () => {
    const checked = checkCredential({ generatePsk: true }, 'lyon-sl-1', 'c');
    expect(checked.credential.mode).toBe('psk');
    expect(checked.generated?.identity).toBe('lyon-sl-1');
    expect(checked.generated?.keyHex).toMatch(/^[0-9a-f]{32}$/);
    expect(checked.credential).toEqual({
      mode: 'psk',
      identity: 'lyon-sl-1',
      key: Buffer.from(checked.generated!.keyHex, 'hex'),
    });
  });

  it('takes a raw public key as PEM or as DER base64, and X.509 with nothing stored', () => {
    const der = p256.publicKey.export({ format: 'der', type: 'spki' });
    expect(checkCredential({ rpk: { publicKeyPem: publicPem } }, 'e', 'c').credential).toEqual({
      mode: 'rpk',
      publicKey: der,
    });
    expect(
      checkCredential({ rpk: { publicKeyDerBase64: der.toString('base64') } }, 'e', 'c').credential,
    ).toEqual({ mode: 'rpk', publicKey: der });
    expect(checkCredential({ x509: true }, 'e', 'c')).toEqual({
      credential: { mode: 'x509' },
      generated: null,
    });
  });

  it.each<[string, CredentialFields, RegExp, string]>([
    ['no kind', {}, /exactly one of/, 'devices[3].credential'],
    ['two kinds', { x509: true, generatePsk: true }, /exactly one of/, 'devices[3].credential.x509'],
    [
      'a short key',
      { psk: { identity: 'a', keyHex: 'abcd' } },
      /16 to 64 bytes/,
      'devices[3].credential.psk',
    ],
    [
      'a key not in hex',
      { psk: { identity: 'a', keyHex: 'k'.repeat(32) } },
      /hexadecimal/,
      'devices[3].credential.psk',
    ],
    [
      'an identity with a space',
      { psk: { identity: 'a b', keyHex: KEY } },
      /PSK identity/,
      'devices[3].credential.psk',
    ],
    ['a private key', { rpk: { publicKeyPem: privatePem } }, /private key/, 'devices[3].credential.rpk'],
    [
      'both key forms',
      { rpk: { publicKeyPem: publicPem, publicKeyDerBase64: 'AA' } },
      /exactly one of/,
      'devices[3].credential.rpk',
    ],
    ['no key form', { rpk: {} }, /exactly one of/, 'devices[3].credential.rpk'],
  ])('refuses %s as BAD_USER_INPUT naming the argument', (_what, input, message, argument) => {
    const err = refusal(input);
    expect(err.code).toBe(GatewayErrorCode.BadUserInput);
    expect(err.message).toMatch(message);
    expect(err.details?.['argument']).toBe(argument);
  });

  it('refuses to generate a PSK for an endpoint name that cannot be an identity', () => {
    expect(refusal({ generatePsk: true }, 'Lampe Rue Mercière').message).toMatch(/give psk/);
  });

  it('never echoes key material in a refusal', () => {
    const secretHex = 'deadbeef'.repeat(20);
    expect(refusal({ psk: { identity: 'a', keyHex: secretHex } }).message).not.toContain('deadbeef');
    const body = privatePem.split('\n')[1]!;
    expect(JSON.stringify(refusal({ rpk: { publicKeyPem: privatePem } }))).not.toContain(body);
  });
});
