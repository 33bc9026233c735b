import { type KeyObject } from 'node:crypto';
import {
  connectionIdExtension,
  EMPTY_RENEGOTIATION_INFO,
  EXTENDED_MASTER_SECRET,
  type Extension,
  u16ListExtension,
  u8ListExtension,
} from '../handshake/extensions';
import { type CertificateMessage } from '../handshake/messages/certificate';
import {
  CertificateType,
  EC_POINT_FORMAT_UNCOMPRESSED,
  ExtensionType,
  NamedGroup,
  SIG_ECDSA_SECP256R1_SHA256,
} from '../protocol/constants';
import { type ClientCredentials, type ClientHandshakeConfig } from './client-config';

/**
 * ClientHello extensions: extended_master_secret (RFC 7627), empty renegotiation_info (RFC 5746 §3.4), and for
 * ECDHE secp256r1 with uncompressed points and ecdsa_secp256r1_sha256 (RFC 8422 §5.1, RFC 5246 §7.4.1.4.1);
 * raw public keys in both directions for RPK credentials (RFC 7250 §4.1); a connection id when asked (RFC 9146).
 */
export function clientHelloExtensions(config: ClientHandshakeConfig): Extension[] {
  const extensions: Extension[] = [];
  if (config.offerExtendedMasterSecret) extensions.push(EXTENDED_MASTER_SECRET);
  extensions.push(EMPTY_RENEGOTIATION_INFO);
  if (config.suites.some((s) => s.keyExchange === 'ecdhe_ecdsa')) {
    extensions.push(
      u16ListExtension(ExtensionType.supportedGroups, [NamedGroup.secp256r1]),
      u8ListExtension(ExtensionType.ecPointFormats, [EC_POINT_FORMAT_UNCOMPRESSED]),
      u16ListExtension(ExtensionType.signatureAlgorithms, [SIG_ECDSA_SECP256R1_SHA256]),
    );
    if (config.credentials.kind === 'rpk') {
      extensions.push(
        u8ListExtension(ExtensionType.clientCertificateType, [CertificateType.rawPublicKey]),
        u8ListExtension(ExtensionType.serverCertificateType, [CertificateType.rawPublicKey]),
      );
    }
  }
  if (config.connectionId) extensions.push(connectionIdExtension(config.connectionId));
  return extensions;
}

/**
 * Our answer to a CertificateRequest (RFC 5246 §7.4.6): our chain or raw key when it is of the negotiated type,
 * with the key that signs CertificateVerify; otherwise an empty list (the server then decides).
 */
export function clientCertificate(
  creds: ClientCredentials,
  negotiatedType: number,
): { certificate: CertificateMessage; signer?: KeyObject } {
  if (creds.kind === 'x509' && negotiatedType === CertificateType.x509) {
    return { certificate: { type: CertificateType.x509, chain: creds.chain }, signer: creds.privateKey };
  }
  if (creds.kind === 'rpk' && negotiatedType === CertificateType.rawPublicKey) {
    return {
      certificate: { type: CertificateType.rawPublicKey, spki: creds.spki },
      signer: creds.privateKey,
    };
  }
  return { certificate: { type: CertificateType.x509, chain: [] } };
}
