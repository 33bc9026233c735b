import { X509Certificate } from 'node:crypto';
import { DtlsError } from '../errors';
import { AlertDescription } from '../protocol/constants';
import { basicConstraints, type CertificateExtension, certificateExtensions, keyUsageBits } from './der';
import { isP256 } from './signature';

/** Extensions whose semantics we apply or which are informational; any other critical one is refused. */
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.32', // certificatePolicies (not enforced; never critical in practice)
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.37', // extKeyUsage
]);
const EKU = { server: '1.3.6.1.5.5.7.3.1', client: '1.3.6.1.5.5.7.3.2', any: '2.5.29.37.0' };

export interface ChainVerification {
  readonly now: number;
  readonly trustAnchors: readonly X509Certificate[];
  /** Which end we check: a client certificate (clientAuth EKU) or a server one (serverAuth EKU). */
  readonly purpose: 'client' | 'server';
  readonly maxChainLength: number;
  /** For a server certificate: the DNS name or IP address the client expects (RFC 6125). */
  readonly serverName?: string;
}

export interface VerifiedChain {
  readonly leaf: X509Certificate;
  readonly commonName?: string;
  readonly subjectAltNames: string[];
}

function parse(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new DtlsError(AlertDescription.bad_certificate, 'certificate does not parse');
  }
}

function extensionsOf(cert: X509Certificate): CertificateExtension[] {
  try {
    return certificateExtensions(cert.raw);
  } catch {
    throw new DtlsError(AlertDescription.bad_certificate, 'certificate extensions do not parse');
  }
}

function checkValidity(cert: X509Certificate, now: number): void {
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    throw new DtlsError(AlertDescription.certificate_expired, 'certificate outside its validity period');
  }
}

/** RFC 5280 §4.2: refuse unknown critical extensions; check keyUsage and basicConstraints for the role. */
function checkExtensions(cert: X509Certificate, role: 'leaf' | 'issuer', below: number): void {
  for (const ext of extensionsOf(cert)) {
    if (ext.critical && !KNOWN_EXTENSIONS.has(ext.oid)) {
      throw new DtlsError(AlertDescription.unsupported_certificate, `unknown critical extension ${ext.oid}`);
    }
    if (ext.oid === '2.5.29.15') {
      const ku = keyUsageBits(ext.value);
      // §4.2.1.3: a signing leaf needs digitalSignature; an issuer needs keyCertSign.
      if (role === 'leaf' ? !ku.digitalSignature : !ku.keyCertSign) {
        throw new DtlsError(AlertDescription.bad_certificate, 'keyUsage does not allow this use');
      }
    }
    if (ext.oid === '2.5.29.19' && role === 'issuer') {
      const bc = basicConstraints(ext.value);
      // §4.2.1.9: pathLenConstraint bounds the intermediate CAs below this one.
      if (bc.pathLength !== undefined && below > bc.pathLength) {
        throw new DtlsError(AlertDescription.bad_certificate, 'pathLenConstraint exceeded');
      }
    }
  }
  // §4.2.1.9: only a CA (basicConstraints cA TRUE) may issue certificates.
  if (role === 'issuer' && !cert.ca)
    throw new DtlsError(AlertDescription.bad_certificate, 'issuer is not a CA');
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * Verifies a peer chain (leaf first, RFC 5246 §7.4.2) up to one of the trust anchors: each signature, each
 * validity period on the injected clock, CA basicConstraints and keyCertSign on issuers, keyUsage and extended
 * key usage on the leaf when present, no unknown critical extension, and a P-256 leaf key (our only
 * signature scheme). A chain that contains a trust anchor itself is accepted at that point (pinning).
 */
export function verifyCertificateChain(chainDer: readonly Buffer[], opts: ChainVerification): VerifiedChain {
  if (chainDer.length === 0) throw new DtlsError(AlertDescription.handshake_failure, 'no certificate');
  if (chainDer.length > opts.maxChainLength)
    throw new DtlsError(AlertDescription.bad_certificate, 'chain too long');
  const chain = chainDer.map(parse);
  const leaf = chain[0]!;
  if (!isP256(leaf.publicKey))
    throw new DtlsError(AlertDescription.unsupported_certificate, 'leaf key is not P-256');
  checkValidity(leaf, opts.now);
  checkExtensions(leaf, 'leaf', 0);
  const eku = leaf.keyUsage;
  if (eku && eku.length > 0 && !eku.includes(EKU[opts.purpose]) && !eku.includes(EKU.any)) {
    throw new DtlsError(AlertDescription.bad_certificate, 'extendedKeyUsage does not allow this use');
  }
  if (opts.serverName !== undefined) {
    const isIp = /^[\d.]+$|:/.test(opts.serverName);
    const match = isIp ? leaf.checkIP(opts.serverName) : leaf.checkHost(opts.serverName);
    if (!match) throw new DtlsError(AlertDescription.bad_certificate, 'certificate does not name the server');
  }
  let current = leaf;
  for (let depth = 0; ; depth++) {
    if (opts.trustAnchors.some((a) => a.raw.equals(current.raw))) break;
    const anchor = opts.trustAnchors.find((a) => issuedBy(current, a));
    if (anchor) {
      checkValidity(anchor, opts.now);
      checkExtensions(anchor, 'issuer', depth);
      break;
    }
    const next = chain[depth + 1];
    if (!next) throw new DtlsError(AlertDescription.unknown_ca, 'chain does not reach a trust anchor');
    if (!issuedBy(current, next))
      throw new DtlsError(AlertDescription.bad_certificate, 'chain signature invalid');
    checkValidity(next, opts.now);
    checkExtensions(next, 'issuer', depth);
    current = next;
  }
  return { leaf, ...names(leaf) };
}

/** The leaf's subject CN and its DNS/URI/IP subject alternative names (what the application authorizes on). */
function names(leaf: X509Certificate): { commonName?: string; subjectAltNames: string[] } {
  const cn = leaf.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3);
  const subjectAltNames: string[] = [];
  for (const entry of splitSan(leaf.subjectAltName ?? '')) {
    const m = /^(DNS|URI|IP Address):(.*)$/.exec(entry);
    if (m) subjectAltNames.push(unquote(m[2]!));
  }
  return cn === undefined ? { subjectAltNames } : { commonName: unquote(cn), subjectAltNames };
}

/** Node joins SANs with ", " and JSON-quotes values that contain separators. */
function splitSan(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === ',' && s[i + 1] === ' ') {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

function unquote(v: string): string {
  if (v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v;
    }
  }
  return v;
}

/** Accepts PEM (one or several certificates), DER, or X509Certificate objects. */
export function loadCertificates(input: ReadonlyArray<string | Buffer | X509Certificate>): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const item of input) {
    if (item instanceof X509Certificate) out.push(item);
    else if (typeof item === 'string' || item.subarray(0, 10).toString('latin1').startsWith('-----')) {
      const pem = item.toString();
      for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
        out.push(new X509Certificate(block));
      }
    } else out.push(new X509Certificate(item));
  }
  return out;
}
