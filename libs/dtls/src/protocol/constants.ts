/** Wire constants of DTLS 1.2 (RFC 6347 on TLS 1.2, RFC 5246) and the extensions this library implements. */

/** RFC 6347 §4.1: DTLS 1.2 is {254, 253}; DTLS 1.0 is {254, 255} (the "lower" number is the newer version). */
export const DTLS_1_2 = 0xfefd;
export const DTLS_1_0 = 0xfeff;

/** RFC 5246 §6.2.1 ContentType, plus RFC 9146 §4 tls12_cid. */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  tls12Cid: 25,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** RFC 5246 §7.4 / RFC 6347 §4.3.2 HandshakeType. */
export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

/** RFC 5246 §7.2 AlertLevel. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** RFC 5246 §7.2 AlertDescription, plus RFC 4279 §2 unknown_psk_identity and RFC 7250 / RFC 8446 values we emit. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
  unknown_psk_identity: 115,
} as const;
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];
export type AlertName = keyof typeof AlertDescription;

const ALERT_NAMES = new Map<number, AlertName>(
  Object.entries(AlertDescription).map(([name, code]) => [code, name as AlertName]),
);

/** The RFC name of an alert code ("alert_<n>" for codes this library does not know). */
export function alertName(code: number): string {
  return ALERT_NAMES.get(code) ?? `alert_${code}`;
}

/** Extension types (IANA "TLS ExtensionType Values"). */
export const ExtensionType = {
  serverName: 0,
  /** RFC 8422 §5.1.1 (named "elliptic_curves" there), RFC 7919. */
  supportedGroups: 10,
  /** RFC 8422 §5.1.2. */
  ecPointFormats: 11,
  /** RFC 5246 §7.4.1.4.1. */
  signatureAlgorithms: 13,
  /** RFC 7250 §4.1. */
  clientCertificateType: 19,
  serverCertificateType: 20,
  /** RFC 7366: recognised so it is not echoed; we keep MAC-then-encrypt for CBC. */
  encryptThenMac: 22,
  /** RFC 7627 §5.1. */
  extendedMasterSecret: 23,
  /** RFC 5077: recognised, never negotiated (resumption is by session id). */
  sessionTicket: 35,
  /** RFC 9146 §3. */
  connectionId: 54,
  /** RFC 5746 §3.2. */
  renegotiationInfo: 0xff01,
} as const;

/** RFC 5746 §3.3: the signalling cipher suite value a client may send instead of the extension. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** RFC 8422 §5.1.1 NamedCurve secp256r1; §5.4 ECCurveType named_curve; §5.1.2 uncompressed point format. */
export const NamedGroup = { secp256r1: 23 } as const;
export const EC_CURVE_TYPE_NAMED = 3;
export const EC_POINT_FORMAT_UNCOMPRESSED = 0;

/** RFC 5246 §7.4.1.4.1: HashAlgorithm sha256(4) with SignatureAlgorithm ecdsa(3). */
export const SIG_ECDSA_SECP256R1_SHA256 = 0x0403;

/** RFC 7250 §3 / IANA TLS Certificate Types. */
export const CertificateType = { x509: 0, rawPublicKey: 2 } as const;
export type CertificateType = (typeof CertificateType)[keyof typeof CertificateType];

/** RFC 5246 §7.4.4 ClientCertificateType ecdsa_sign (RFC 8422 §5.5). */
export const CLIENT_CERT_TYPE_ECDSA_SIGN = 64;

/** RFC 5246 §6.2.1: TLSPlaintext.length MUST NOT exceed 2^14; §6.2.3: ciphertext at most 2^14 + 2048. */
export const MAX_PLAINTEXT = 16384;
export const MAX_CIPHERTEXT = 16384 + 2048;

/** RFC 6347 §4.1: 13-byte DTLSPlaintext header; §4.2.2: 12-byte handshake header. */
export const RECORD_HEADER_BYTES = 13;
export const HANDSHAKE_HEADER_BYTES = 12;

/** RFC 6347 §4.1: 48-bit sequence numbers; a sender MUST NOT wrap them. */
export const MAX_SEQUENCE = 2 ** 48 - 1;
