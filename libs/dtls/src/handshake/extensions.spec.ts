import { type DtlsError } from '../errors';
import { ExtensionType } from '../protocol/constants';
import {
  connectionIdExtension,
  EMPTY_RENEGOTIATION_INFO,
  encodeExtensions,
  EXTENDED_MASTER_SECRET,
  parseExtensions,
  u16ListExtension,
  u8ListExtension,
} from './extensions';
import { decodeClientHelloExtensions, decodeServerHelloExtensions } from './hello-extensions';

const alertOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as DtlsError).alertName;
  }
  return undefined;
};
const block = (...exts: Array<{ type: number; data: Buffer }>): Buffer => encodeExtensions(exts).subarray(2);

describe('hello extensions', () => {
  it('decodes the ClientHello extensions we act on', () => {
    const ext = decodeClientHelloExtensions(
      parseExtensions(
        block(
          u16ListExtension(ExtensionType.supportedGroups, [29, 23]),
          u8ListExtension(ExtensionType.ecPointFormats, [0]),
          u16ListExtension(ExtensionType.signatureAlgorithms, [0x0804, 0x0403]),
          u8ListExtension(ExtensionType.clientCertificateType, [2, 0]),
          u8ListExtension(ExtensionType.serverCertificateType, [2]),
          EXTENDED_MASTER_SECRET,
          connectionIdExtension(Buffer.alloc(0)),
          EMPTY_RENEGOTIATION_INFO,
          { type: 0x1234, data: Buffer.from('unknown') },
        ),
      ),
      false,
    );
    expect(ext).toMatchObject({
      supportedGroups: [29, 23],
      pointFormats: [0],
      signatureAlgorithms: [0x0804, 0x0403],
      clientCertificateTypes: [2, 0],
      serverCertificateTypes: [2],
      extendedMasterSecret: true,
      renegotiationInfo: true,
    });
    expect(ext.connectionId).toHaveLength(0);
  });

  it.each<[string, { type: number; data: Buffer }, string]>([
    ['a non-empty extended_master_secret', { type: 23, data: Buffer.from([0]) }, 'decode_error'],
    [
      'renegotiation_info with data on an initial handshake (RFC 5746 §3.6)',
      { type: 0xff01, data: Buffer.from('0101', 'hex') },
      'handshake_failure',
    ],
    ['a truncated supported_groups', { type: 10, data: Buffer.from('0004', 'hex') }, 'decode_error'],
    ['an empty certificate type list', { type: 19, data: Buffer.from('00', 'hex') }, 'decode_error'],
    ['a connection_id longer than its data', { type: 54, data: Buffer.from('05aa', 'hex') }, 'decode_error'],
  ])('refuses %s', (_name, e, alert) => {
    expect(alertOf(() => decodeClientHelloExtensions([e], false))).toBe(alert);
  });

  it('treats the SCSV as renegotiation_info (RFC 5746 §3.3)', () => {
    expect(decodeClientHelloExtensions([], true).renegotiationInfo).toBe(true);
  });

  it('refuses ServerHello extensions the client did not offer (RFC 5246 §7.4.1.4)', () => {
    const offered = new Set([23]);
    expect(decodeServerHelloExtensions([EXTENDED_MASTER_SECRET], offered).extendedMasterSecret).toBe(true);
    expect(
      alertOf(() => decodeServerHelloExtensions([connectionIdExtension(Buffer.alloc(2))], offered)),
    ).toBe('unsupported_extension');
  });

  it('refuses a truncated extension block', () => {
    expect(alertOf(() => parseExtensions(Buffer.from('0017000100', 'hex').subarray(0, 4)))).toBe(
      'decode_error',
    );
  });
});
