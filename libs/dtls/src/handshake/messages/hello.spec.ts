import { DtlsError } from '../../errors';
import {
  type ClientHello,
  encodeClientHello,
  encodeHelloVerifyRequest,
  encodeServerHello,
  parseClientHello,
  parseHelloVerifyRequest,
  parseServerHello,
  type ServerHello,
} from './hello';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const ch = (over: Partial<ClientHello> = {}): ClientHello => ({
  clientVersion: 0xfefd,
  random: Buffer.alloc(32, 0xab),
  sessionId: Buffer.alloc(0),
  cookie: Buffer.alloc(0),
  cipherSuites: [0xc0a8, 0xc0ae],
  compressionMethods: [0],
  extensions: [{ type: 23, data: Buffer.alloc(0) }],
  ...over,
});

function alertOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DtlsError ? e.alertName : 'not a DtlsError';
  }
  return undefined;
}

describe('ClientHello (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2)', () => {
  it.each<[string, ClientHello]>([
    ['minimal', ch({ extensions: [] })],
    ['with cookie and session id', ch({ cookie: Buffer.alloc(32, 1), sessionId: Buffer.alloc(32, 2) })],
    ['with a 255-byte cookie (DTLS 1.2 maximum)', ch({ cookie: Buffer.alloc(255, 3) })],
    [
      'with several extensions',
      ch({
        extensions: [
          { type: 10, data: hex('00020017') },
          { type: 54, data: hex('00') },
        ],
      }),
    ],
  ])('round-trips %s', (_name, m) => {
    const back = parseClientHello(encodeClientHello(m));
    expect(encodeClientHello(back).equals(encodeClientHello(m))).toBe(true);
    expect(back.cipherSuites).toEqual(m.cipherSuites);
  });

  it('reads a ClientHello without an extensions block', () => {
    const bytes = encodeClientHello(ch({ extensions: [] }));
    expect(parseClientHello(bytes).extensions).toEqual([]);
  });

  it.each<[string, Buffer, string]>([
    ['truncated random', encodeClientHello(ch()).subarray(0, 20), 'decode_error'],
    [
      'a session id longer than 32',
      Buffer.concat([hex('fefd'), Buffer.alloc(32), hex('21'), Buffer.alloc(33)]),
      'decode_error',
    ],
    [
      'an odd cipher_suites length',
      Buffer.concat([hex('fefd'), Buffer.alloc(32), hex('0000'), hex('0003c0a800'), hex('0100')]),
      'decode_error',
    ],
    [
      'no compression methods',
      Buffer.concat([hex('fefd'), Buffer.alloc(32), hex('0000'), hex('0002c0a8'), hex('00')]),
      'decode_error',
    ],
    ['trailing bytes after extensions', Buffer.concat([encodeClientHello(ch()), hex('00')]), 'decode_error'],
    [
      'a duplicated extension',
      encodeClientHello(
        ch({
          extensions: [
            { type: 23, data: Buffer.alloc(0) },
            { type: 23, data: Buffer.alloc(0) },
          ],
        }),
      ),
      'illegal_parameter',
    ],
  ])('refuses %s', (_name, bytes, alert) => {
    expect(alertOf(() => parseClientHello(bytes))).toBe(alert);
  });
});

describe('ServerHello (RFC 5246 §7.4.1.3)', () => {
  const sh: ServerHello = {
    serverVersion: 0xfefd,
    random: Buffer.alloc(32, 5),
    sessionId: Buffer.alloc(32, 6),
    cipherSuite: 0xc0a8,
    compressionMethod: 0,
    extensions: [{ type: 23, data: Buffer.alloc(0) }],
  };
  it('round-trips, with and without extensions', () => {
    expect(encodeServerHello(parseServerHello(encodeServerHello(sh))).equals(encodeServerHello(sh))).toBe(
      true,
    );
    expect(parseServerHello(encodeServerHello({ ...sh, extensions: [] })).extensions).toEqual([]);
  });
  it('refuses a truncated one', () => {
    expect(alertOf(() => parseServerHello(encodeServerHello(sh).subarray(0, 40)))).toBe('decode_error');
  });
});

describe('HelloVerifyRequest (RFC 6347 §4.2.1)', () => {
  it('round-trips and refuses an empty cookie or trailing bytes', () => {
    const m = { serverVersion: 0xfeff, cookie: Buffer.alloc(32, 9) };
    expect(parseHelloVerifyRequest(encodeHelloVerifyRequest(m)).cookie.equals(m.cookie)).toBe(true);
    expect(alertOf(() => parseHelloVerifyRequest(hex('feff00')))).toBe('illegal_parameter');
    expect(alertOf(() => parseHelloVerifyRequest(hex('feff0101ff')))).toBe('decode_error');
  });
});
