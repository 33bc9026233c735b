import { EphemeralEcdh } from '../crypto/ecdhe';
import { signEcdsaSha256 } from '../crypto/signature';
import {
  connectionIdExtension,
  EMPTY_RENEGOTIATION_INFO,
  EXTENDED_MASTER_SECRET,
  type Extension,
  singleU8Extension,
  u8ListExtension,
} from '../handshake/extensions';
import { type ClientHelloExtensions } from '../handshake/hello-extensions';
import { encodeCertificate, encodeCertificateRequest } from '../handshake/messages/certificate';
import { encodeEcdheParams, encodeEcdheServerKeyExchange } from '../handshake/messages/key-exchange';
import {
  CertificateType,
  CLIENT_CERT_TYPE_ECDSA_SIGN,
  EC_POINT_FORMAT_UNCOMPRESSED,
  ExtensionType,
  SIG_ECDSA_SECP256R1_SHA256,
} from '../protocol/constants';
import { type Negotiation } from './negotiation';
import { type ServerEcdsaConfig } from './server-config';

/**
 * ServerHello extensions: only answers to what the client sent (RFC 5246 §7.4.1.4). EMS (RFC 7627), empty
 * renegotiation_info (RFC 5746 §3.6), our CID (RFC 9146), and on a full ECDHE handshake ec_point_formats
 * (RFC 8422 §5.2) and the certificate types (RFC 7250 §4.2).
 */
export function serverHelloExtensions(
  ext: ClientHelloExtensions,
  ems: boolean,
  localCid: Buffer | undefined,
  neg: Negotiation | undefined,
): Extension[] {
  const extensions: Extension[] = [];
  if (ems) extensions.push(EXTENDED_MASTER_SECRET);
  if (ext.renegotiationInfo) extensions.push(EMPTY_RENEGOTIATION_INFO);
  if (localCid) extensions.push(connectionIdExtension(localCid));
  if (neg?.serverCertificateType !== undefined) {
    if (ext.pointFormats)
      extensions.push(u8ListExtension(ExtensionType.ecPointFormats, [EC_POINT_FORMAT_UNCOMPRESSED]));
    if (ext.serverCertificateTypes) {
      extensions.push(singleU8Extension(ExtensionType.serverCertificateType, neg.serverCertificateType));
    }
    if (ext.clientCertificateTypes && neg.clientCertificateType !== undefined) {
      extensions.push(singleU8Extension(ExtensionType.clientCertificateType, neg.clientCertificateType));
    }
  }
  return extensions;
}

/**
 * Flight 4 of ECDHE_ECDSA after the ServerHello: our Certificate (chain or raw key), the ServerKeyExchange with a
 * fresh secp256r1 key signed over client_random + server_random + params (RFC 8422 §5.4), and a
 * CertificateRequest (RFC 5246 §7.4.4) naming no CAs: devices must always prove who they are.
 */
export function ecdheServerMessages(
  ecdsa: ServerEcdsaConfig,
  neg: Negotiation,
  clientRandom: Buffer,
  serverRandom: Buffer,
): { certificate: Buffer; serverKeyExchange: Buffer; certificateRequest: Buffer; ecdh: EphemeralEcdh } {
  const certificate = encodeCertificate(
    neg.serverCertificateType === CertificateType.rawPublicKey
      ? { type: CertificateType.rawPublicKey, spki: ecdsa.spki }
      : { type: CertificateType.x509, chain: ecdsa.chain ?? [] },
  );
  const ecdh = new EphemeralEcdh();
  const params = encodeEcdheParams(ecdh.publicPoint);
  const signature = signEcdsaSha256(ecdsa.privateKey, Buffer.concat([clientRandom, serverRandom, params]));
  const serverKeyExchange = encodeEcdheServerKeyExchange(params, {
    algorithm: SIG_ECDSA_SECP256R1_SHA256,
    signature,
  });
  const certificateRequest = encodeCertificateRequest({
    certificateTypes: [CLIENT_CERT_TYPE_ECDSA_SIGN],
    signatureAlgorithms: [SIG_ECDSA_SECP256R1_SHA256],
    certificateAuthorities: [],
  });
  return { certificate, serverKeyExchange, certificateRequest, ecdh };
}
