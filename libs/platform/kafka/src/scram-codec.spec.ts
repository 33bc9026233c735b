import { createHash, createHmac } from 'node:crypto';
import {
  ScramCodecError,
  ScramMechanism,
  decodeAlterUserScramCredentialsResponse,
  decodeApiVersionsResponse,
  decodeSaslAuthenticateResponse,
  decodeSaslHandshakeResponse,
  encodeAlterUserScramCredentialsRequest,
  encodeApiVersionsRequest,
  encodeSaslAuthenticateRequest,
  encodeSaslHandshakeRequest,
  scramSaltedPassword,
} from './scram-codec';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

describe('AlterUserScramCredentials v0 request (KIP-554, flexible: header v2, compact types)', () => {
  it('encodes header, deletions, upsertions and tagged fields byte by byte', () => {
    const frame = encodeAlterUserScramCredentialsRequest(7, 'gw', {
      deletions: [{ user: 'old', mechanism: ScramMechanism.ScramSha512 }],
      upsertions: [
        {
          user: 'u',
          mechanism: ScramMechanism.ScramSha512,
          iterations: 4096,
          salt: hex('0102'),
          saltedPassword: hex('aabbcc'),
        },
      ],
    });
    expect(frame.toString('hex')).toBe(
      hex(`
        00000025 |
        0033 0000 00000007 0002 6777 00 |
        02 04 6f6c64 02 00 |
        02 02 75 02 00001000 03 0102 04 aabbcc 00 |
        00`).toString('hex'),
    );
  });

  it('writes compact lengths as unsigned varints (length + 1) beyond one byte', () => {
    const user = 'p'.repeat(200);
    const frame = encodeAlterUserScramCredentialsRequest(1, 'c', {
      deletions: [{ user, mechanism: ScramMechanism.ScramSha512 }],
      upsertions: [],
    });
    // size | header (13 bytes with a 1-char client id: 2+2+4+2+1+1 = 12) | deletions array length 2 | 201 = c9 01
    expect(frame.subarray(16, 19).toString('hex')).toBe('02c901');
    expect(frame.subarray(19, 219).toString()).toBe(user);
    expect(frame.subarray(219).toString('hex')).toBe('02' + '00' + '01' + '00');
  });

  it('encodes empty arrays as 1 (length 0 + 1), not as null', () => {
    const frame = encodeAlterUserScramCredentialsRequest(0, 'c', { deletions: [], upsertions: [] });
    expect(frame.subarray(4 + 12).toString('hex')).toBe('010100');
  });
});

describe('AlterUserScramCredentials v0 response (header v1)', () => {
  const response = hex(`
    00000007 00 | 00000000 |
    03 |
    02 75 0000 00 00 |
    04 6f6c64 005b 0a 6e6f7420666f756e64 00 |
    00`);

  it('decodes per-user results with their error codes and nullable messages', () => {
    expect(decodeAlterUserScramCredentialsResponse(response)).toEqual({
      correlationId: 7,
      response: {
        throttleTimeMs: 0,
        results: [
          { user: 'u', errorCode: 0, errorMessage: null },
          { user: 'old', errorCode: 91, errorMessage: 'not found' },
        ],
      },
    });
  });

  it('skips unknown tagged fields (KIP-482)', () => {
    // header tag buffer with one field: tag 5, 2 bytes
    const tagged = Buffer.concat([hex('00000001 01 05 02 ffff'), response.subarray(5)]);
    expect(decodeAlterUserScramCredentialsResponse(tagged).correlationId).toBe(1);
  });

  it.each([
    ['truncated inside a string', response.subarray(0, 20), /truncated/],
    ['trailing bytes', Buffer.concat([response, hex('00')]), /trailing/],
    ['null results array', hex('00000007 00 00000000 00 00'), /null array/],
    ['null user name', hex('00000007 00 00000000 02 00 0000 00 00 00'), /COMPACT_STRING/],
    ['varint longer than 5 bytes', hex('00000007 ffffffffff01'), /varint/],
  ])('refuses %s with its offset', (_name, bytes, message) => {
    expect(() => decodeAlterUserScramCredentialsResponse(bytes)).toThrow(ScramCodecError);
    expect(() => decodeAlterUserScramCredentialsResponse(bytes)).toThrow(message);
  });
});

describe('ApiVersions v0', () => {
  it('encodes an empty body with request header v1 (no tagged fields)', () => {
    expect(encodeApiVersionsRequest(1, 'c').toString('hex')).toBe(
      '0000000b' + '0012' + '0000' + '00000001' + '000163',
    );
  });

  it('decodes the api key ranges', () => {
    expect(decodeApiVersionsResponse(hex('00000001 0000 00000002 0012 0000 0004 0033 0000 0000'))).toEqual({
      correlationId: 1,
      errorCode: 0,
      apis: [
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
        { apiKey: 51, minVersion: 0, maxVersion: 0 },
      ],
    });
  });
});

describe('SaslHandshake v1 and SaslAuthenticate v1 (KIP-152, not flexible)', () => {
  it('encodes the mechanism as a STRING after request header v1', () => {
    expect(encodeSaslHandshakeRequest(2, 'c', 'SCRAM-SHA-512').toString('hex')).toBe(
      hex('0000001a 0011 0001 00000002 0001 63 | 000d 5343 52 41 4d 2d 53 48 41 2d 35 31 32').toString('hex'),
    );
  });

  it('decodes the enabled mechanisms', () => {
    expect(
      decodeSaslHandshakeResponse(hex('00000002 0021 00000001 000d 534352414d2d5348412d353132')),
    ).toEqual({
      correlationId: 2,
      errorCode: 33,
      mechanisms: ['SCRAM-SHA-512'],
    });
  });

  it('encodes auth_bytes as BYTES (INT32 length)', () => {
    expect(encodeSaslAuthenticateRequest(3, 'c', Buffer.from('n,,')).toString('hex')).toBe(
      hex('00000012 0024 0001 00000003 0001 63 | 00000003 6e2c2c').toString('hex'),
    );
  });

  it('decodes error, message, auth_bytes and skips the session lifetime', () => {
    expect(
      decodeSaslAuthenticateResponse(hex('00000004 003a 0003 626164 00000002 763d 0000000000000000')),
    ).toEqual({ correlationId: 4, errorCode: 58, errorMessage: 'bad', authBytes: Buffer.from('v=') });
    expect(() => decodeSaslAuthenticateResponse(hex('00000004 0000 ffff 00000009 76'))).toThrow(/truncated/);
  });
});

describe('SaltedPassword = Hi(password, salt, i) (RFC 5802 §2.2, PBKDF2-HMAC)', () => {
  it.each([
    // PBKDF2-HMAC-SHA-512 vectors (password "password", salt "salt", dkLen 64)
    [
      1,
      '867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce',
    ],
    [
      4096,
      'd197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5',
    ],
  ])('SCRAM-SHA-512 with %i iteration(s)', (iterations, expected) => {
    expect(
      scramSaltedPassword('password', Buffer.from('salt'), iterations, ScramMechanism.ScramSha512).toString(
        'hex',
      ),
    ).toBe(expected);
  });

  it('reproduces the RFC 7677 §3 SCRAM-SHA-256 exchange (client proof and server signature)', () => {
    // user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096
    const salted = scramSaltedPassword(
      'pencil',
      Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
      4096,
      ScramMechanism.ScramSha256,
    );
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = [
      'n=user,r=rOprNGfwEbeRWgbNEkqO',
      `r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`,
      `c=biws,r=${nonce}`,
    ].join(',');
    const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const clientSignature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (clientSignature[i] as number)));
    expect(proof.toString('base64')).toBe('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
  });
});
