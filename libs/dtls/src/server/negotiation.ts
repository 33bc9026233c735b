import { DtlsError } from '../errors';
import { type CipherSuiteInfo } from '../handshake/cipher-suites';
import { type ClientHelloExtensions } from '../handshake/hello-extensions';
import { type ClientHello } from '../handshake/messages/hello';
import {
  AlertDescription,
  CertificateType,
  DTLS_1_2,
  EC_POINT_FORMAT_UNCOMPRESSED,
  NamedGroup,
  SIG_ECDSA_SECP256R1_SHA256,
} from '../protocol/constants';
import { type ServerHandshakeConfig } from './server-config';

export interface Negotiation {
  readonly suite: CipherSuiteInfo;
  /** ECDHE_ECDSA only: what we send and what we require from the client (mutual authentication). */
  readonly serverCertificateType?: CertificateType;
  readonly clientCertificateType?: CertificateType;
}

/** RFC 5246 §7.4.1.2 / RFC 6347 §4.1: versions and compression every ClientHello must satisfy. */
export function checkClientHelloBasics(hello: ClientHello): void {
  // DTLS version numbers decrease as versions increase: {254,253} is 1.2, {254,255} is 1.0.
  if (hello.clientVersion > DTLS_1_2) {
    throw new DtlsError(AlertDescription.protocol_version, 'client does not offer DTLS 1.2');
  }
  if (!hello.compressionMethods.includes(0)) {
    throw new DtlsError(AlertDescription.illegal_parameter, 'null compression not offered');
  }
}

function pick(offered: readonly number[], usable: (t: number) => boolean): CertificateType | undefined {
  const t = offered.find(usable);
  return t === CertificateType.x509 || t === CertificateType.rawPublicKey ? t : undefined;
}

/**
 * Chooses the cipher suite in server preference order, and for ECDHE_ECDSA the certificate types (RFC 7250 §4.2,
 * X.509 when the extension is absent). ECDHE needs secp256r1 (RFC 8422 §5.1: absent supported_groups means any),
 * uncompressed points, and ecdsa_secp256r1_sha256 among signature_algorithms (RFC 5246 §7.4.1.4.1: absent means
 * SHA-1 only, which we do not offer).
 */
export function negotiate(
  hello: ClientHello,
  ext: ClientHelloExtensions,
  config: ServerHandshakeConfig,
): Negotiation {
  let certificateTypeMismatch = false;
  for (const suite of config.suites) {
    if (!hello.cipherSuites.includes(suite.id)) continue;
    if (suite.keyExchange === 'psk') {
      if (config.psk) return { suite };
      continue;
    }
    const ecdsa = config.ecdsa;
    if (!ecdsa) continue;
    if (ext.supportedGroups && !ext.supportedGroups.includes(NamedGroup.secp256r1)) continue;
    if (ext.pointFormats && !ext.pointFormats.includes(EC_POINT_FORMAT_UNCOMPRESSED)) continue;
    if (!ext.signatureAlgorithms?.includes(SIG_ECDSA_SECP256R1_SHA256)) continue;
    const auth = config.clientAuth;
    const clientCertificateType = pick(ext.clientCertificateTypes ?? [CertificateType.x509], (t) =>
      t === CertificateType.x509
        ? auth.trustAnchors.length > 0
        : t === CertificateType.rawPublicKey && !!auth.verifyRawPublicKey,
    );
    const serverTypes = ext.serverCertificateTypes ?? [CertificateType.x509];
    const canSend = (t: number): boolean =>
      t === CertificateType.x509
        ? (ecdsa.chain?.length ?? 0) > 0
        : t === CertificateType.rawPublicKey && ecdsa.offerRawPublicKey;
    // A device that authenticates with a raw public key usually has no CA to check ours against: answer in kind
    // when it accepts that (RFC 7250 §4.2 leaves the choice among the offered types to the server).
    const symmetric =
      clientCertificateType === CertificateType.rawPublicKey &&
      serverTypes.includes(CertificateType.rawPublicKey) &&
      canSend(CertificateType.rawPublicKey);
    const serverCertificateType = symmetric ? CertificateType.rawPublicKey : pick(serverTypes, canSend);
    if (serverCertificateType === undefined || clientCertificateType === undefined) {
      certificateTypeMismatch = true;
      continue;
    }
    return { suite, serverCertificateType, clientCertificateType };
  }
  // RFC 7250 §4.2: no certificate type in common is unsupported_certificate; no suite is handshake_failure.
  throw certificateTypeMismatch
    ? new DtlsError(AlertDescription.unsupported_certificate, 'no certificate type in common')
    : new DtlsError(AlertDescription.handshake_failure, 'no cipher suite in common');
}
