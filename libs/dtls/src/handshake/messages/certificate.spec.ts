import { type DtlsError } from '../../errors';
import { CertificateType } from '../../protocol/constants';
import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeDigitallySigned,
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
} from './certificate';

const alertOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as DtlsError).alertName;
  }
  return undefined;
};

describe('Certificate (RFC 5246 §7.4.2, RFC 7250 §3)', () => {
  it('round-trips an X.509 chain, an empty list, and a raw public key', () => {
    const chain = [Buffer.alloc(300, 1), Buffer.alloc(200, 2)];
    const x = parseCertificate(
      encodeCertificate({ type: CertificateType.x509, chain }),
      CertificateType.x509,
      5,
    );
    expect(x.type === CertificateType.x509 && x.chain.map((c) => c.length)).toEqual([300, 200]);
    const empty = parseCertificate(
      encodeCertificate({ type: CertificateType.x509, chain: [] }),
      CertificateType.x509,
      5,
    );
    expect(empty.type === CertificateType.x509 && empty.chain).toEqual([]);
    const spki = Buffer.alloc(91, 4);
    const r = parseCertificate(
      encodeCertificate({ type: CertificateType.rawPublicKey, spki }),
      CertificateType.rawPublicKey,
      5,
    );
    expect(r.type === CertificateType.rawPublicKey && r.spki.equals(spki)).toBe(true);
  });

  it.each<[string, Buffer, CertificateType, string]>([
    [
      'a list length beyond the message',
      Buffer.from('00000a000003aaaaaa', 'hex'),
      CertificateType.x509,
      'decode_error',
    ],
    [
      'an empty certificate inside the list',
      Buffer.from('000003000000', 'hex'),
      CertificateType.x509,
      'decode_error',
    ],
    ['an empty raw public key', Buffer.from('000000', 'hex'), CertificateType.rawPublicKey, 'decode_error'],
    ['trailing bytes', Buffer.from('00000000', 'hex'), CertificateType.x509, 'decode_error'],
  ])('refuses %s', (_name, bytes, type, alert) => {
    expect(alertOf(() => parseCertificate(bytes, type, 5))).toBe(alert);
  });

  it('refuses a chain longer than the limit', () => {
    const chain = Array.from({ length: 6 }, () => Buffer.alloc(10));
    expect(
      alertOf(() =>
        parseCertificate(encodeCertificate({ type: CertificateType.x509, chain }), CertificateType.x509, 5),
      ),
    ).toBe('bad_certificate');
  });
});

describe('CertificateRequest (RFC 5246 §7.4.4) and CertificateVerify (§7.4.8)', () => {
  it('round-trips', () => {
    const m = {
      certificateTypes: [64],
      signatureAlgorithms: [0x0403],
      certificateAuthorities: [Buffer.alloc(20, 1)],
    };
    const back = parseCertificateRequest(encodeCertificateRequest(m));
    expect(back.certificateTypes).toEqual([64]);
    expect(back.signatureAlgorithms).toEqual([0x0403]);
    expect(back.certificateAuthorities[0]!.length).toBe(20);
    const cv = parseCertificateVerify(
      encodeDigitallySigned({ algorithm: 0x0403, signature: Buffer.alloc(70, 7) }),
    );
    expect(cv.algorithm).toBe(0x0403);
    expect(cv.signature.length).toBe(70);
  });

  it('refuses empty certificate_types, empty signature algorithms and empty signatures', () => {
    expect(alertOf(() => parseCertificateRequest(Buffer.from('00000000', 'hex')))).toBe('decode_error');
    expect(alertOf(() => parseCertificateRequest(Buffer.from('014000000000', 'hex')))).toBe('decode_error');
    expect(alertOf(() => parseCertificateVerify(Buffer.from('04030000', 'hex')))).toBe('decode_error');
  });
});
