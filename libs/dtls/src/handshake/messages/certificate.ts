import { ByteReader, readU16List } from '../../codec/byte-reader';
import { u16, u16List, vector16, vector24, vector8 } from '../../codec/byte-writer';
import { DtlsError } from '../../errors';
import { AlertDescription, CertificateType } from '../../protocol/constants';

/**
 * RFC 5246 §7.4.2 Certificate (`ASN.1Cert certificate_list<0..2^24-1>`, each `opaque ASN.1Cert<1..2^24-1>`),
 * or with RFC 7250 §3 raw public keys `opaque ASN.1_subjectPublicKeyInfo<1..2^24-1>` (no list). An empty
 * X.509 list is how a client without a certificate answers a CertificateRequest (§7.4.6).
 */
export type CertificateMessage =
  | { readonly type: typeof CertificateType.x509; readonly chain: readonly Buffer[] }
  | { readonly type: typeof CertificateType.rawPublicKey; readonly spki: Buffer };

export function parseCertificate(
  body: Buffer,
  type: CertificateType,
  maxChainLength: number,
): CertificateMessage {
  const r = new ByteReader(body, 'Certificate');
  if (type === CertificateType.rawPublicKey) {
    const spki = r.vector24(1);
    r.end();
    return { type, spki };
  }
  const list = new ByteReader(r.vector24(), 'certificate_list');
  r.end();
  const chain: Buffer[] = [];
  while (list.remaining > 0) {
    if (chain.length >= maxChainLength)
      throw new DtlsError(AlertDescription.bad_certificate, 'certificate chain too long');
    chain.push(list.vector24(1));
  }
  return { type, chain };
}

export function encodeCertificate(m: CertificateMessage): Buffer {
  if (m.type === CertificateType.rawPublicKey) return vector24(m.spki);
  return vector24(Buffer.concat(m.chain.map((c) => vector24(c))));
}

/** RFC 5246 §7.4.4 CertificateRequest. */
export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  /** DER DistinguishedNames; we send none (any certificate chaining to a trust anchor is fine). */
  readonly certificateAuthorities: readonly Buffer[];
}

export function parseCertificateRequest(body: Buffer): CertificateRequest {
  const r = new ByteReader(body, 'CertificateRequest');
  const certificateTypes = [...r.vector8(1)];
  const signatureAlgorithms = readU16List(r.vector16(2, 65534), 'supported_signature_algorithms');
  const cas = new ByteReader(r.vector16(), 'certificate_authorities');
  r.end();
  const certificateAuthorities: Buffer[] = [];
  while (cas.remaining > 0) certificateAuthorities.push(cas.vector16(1));
  return { certificateTypes, signatureAlgorithms, certificateAuthorities };
}

export function encodeCertificateRequest(m: CertificateRequest): Buffer {
  return Buffer.concat([
    vector8(Buffer.from(m.certificateTypes)),
    vector16(u16List(m.signatureAlgorithms)),
    vector16(Buffer.concat(m.certificateAuthorities.map((dn) => vector16(dn)))),
  ]);
}

/** RFC 5246 §7.4.8 CertificateVerify / §4.7 digitally-signed: SignatureAndHashAlgorithm + opaque<0..2^16-1>. */
export interface DigitallySigned {
  readonly algorithm: number;
  readonly signature: Buffer;
}

export function parseDigitallySigned(r: ByteReader): DigitallySigned {
  const algorithm = r.u16();
  const signature = r.vector16(1);
  return { algorithm, signature };
}

export function encodeDigitallySigned(m: DigitallySigned): Buffer {
  return Buffer.concat([u16(m.algorithm), vector16(m.signature)]);
}

export function parseCertificateVerify(body: Buffer): DigitallySigned {
  const r = new ByteReader(body, 'CertificateVerify');
  const signed = parseDigitallySigned(r);
  r.end();
  return signed;
}
