import { type X509Certificate } from 'node:crypto';
import { DtlsError } from '../errors';
import { type FixtureName, fixturePem } from '../testing/fixtures';
import { loadCertificates, verifyCertificateChain } from './x509-chain';

const der = (...names: FixtureName[]): Buffer[] =>
  names.map((n) => loadCertificates([fixturePem(n)])[0]!.raw);
const anchors: X509Certificate[] = loadCertificates([fixturePem('ca')]);
const now = Date.now();

function verify(chain: Buffer[], over: Partial<Parameters<typeof verifyCertificateChain>[1]> = {}) {
  return verifyCertificateChain(chain, {
    now,
    trustAnchors: anchors,
    purpose: 'client',
    maxChainLength: 5,
    ...over,
  });
}
function alertOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DtlsError ? e.alertName : String(e);
  }
  return undefined;
}

describe('X.509 chain verification (RFC 5280 subset)', () => {
  it('accepts a client chain through an intermediate and hands up CN and SANs', () => {
    const v = verify(der('client', 'intermediate'));
    expect(v.commonName).toBe('urn:dev:client-1');
    expect(v.subjectAltNames).toEqual(['urn:dev:client-1', 'client-1.devices.test']);
  });

  it('accepts a server certificate for its DNS name and IP, not for another name', () => {
    expect(verify(der('server'), { purpose: 'server', serverName: 'localhost' }).commonName).toBe(
      'localhost',
    );
    expect(verify(der('server'), { purpose: 'server', serverName: '127.0.0.1' }).subjectAltNames).toEqual([
      'localhost',
      '127.0.0.1',
    ]);
    expect(alertOf(() => verify(der('server'), { purpose: 'server', serverName: 'example.com' }))).toBe(
      'bad_certificate',
    );
  });

  it('accepts a pinned leaf configured as trust anchor', () => {
    expect(verify(der('client'), { trustAnchors: loadCertificates([fixturePem('client')]) }).commonName).toBe(
      'urn:dev:client-1',
    );
  });

  it.each<[string, FixtureName[], Partial<Parameters<typeof verifyCertificateChain>[1]>, string]>([
    ['an empty chain', [], {}, 'handshake_failure'],
    ['a chain missing its intermediate', ['client'], {}, 'unknown_ca'],
    ['a chain to another root', ['rogue-client'], {}, 'unknown_ca'],
    [
      'a chain with the intermediates in the wrong place',
      ['client', 'ca'],
      { trustAnchors: [] },
      'bad_certificate',
    ],
    ['an issuer that is not a CA (basicConstraints)', ['issued-by-leaf', 'not-a-ca'], {}, 'bad_certificate'],
    ['an issuer without keyCertSign', ['issued-by-no-certsign', 'no-certsign'], {}, 'bad_certificate'],
    [
      'a path beyond pathLenConstraint',
      ['beyond-pathlen', 'sub-intermediate', 'intermediate'],
      {},
      'bad_certificate',
    ],
    ['an unknown critical extension', ['critical-unknown'], {}, 'unsupported_certificate'],
    ['a server-only EKU used by a client', ['server-eku-only'], {}, 'bad_certificate'],
    ['a leaf whose keyUsage excludes digitalSignature', ['no-digital-signature'], {}, 'bad_certificate'],
    ['a leaf with an RSA key', ['rsa'], {}, 'unsupported_certificate'],
    [
      'an expired chain',
      ['client', 'intermediate'],
      { now: Date.parse('2200-01-01') },
      'certificate_expired',
    ],
    [
      'a chain not yet valid',
      ['client', 'intermediate'],
      { now: Date.parse('2000-01-01') },
      'certificate_expired',
    ],
    ['a chain longer than allowed', ['client', 'intermediate'], { maxChainLength: 1 }, 'bad_certificate'],
  ])('refuses %s', (_name, names, over, alert) => {
    expect(alertOf(() => verify(der(...names), over))).toBe(alert);
  });

  it('refuses bytes that are not a certificate', () => {
    expect(alertOf(() => verify([Buffer.from('not der')]))).toBe('bad_certificate');
  });

  it('refuses a leaf with a forged signature', () => {
    const forged = Buffer.from(der('server')[0]!);
    forged[forged.length - 5]! ^= 0x01;
    expect(alertOf(() => verify([forged], { purpose: 'server' }))).toMatch(/bad_certificate|unknown_ca/);
  });
});
