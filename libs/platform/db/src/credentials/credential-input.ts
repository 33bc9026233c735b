import { createHash, createPublicKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';

/**
 * Turning what an operator types (hex keys, PEM files, base64) into the repository's credential input, for every
 * edge that takes credentials (GraphQL, CLI). Pure; errors are CredentialInputError with a message fit for the
 * caller, and never contain the key material they were given.
 */

/** A credential the caller gave is not acceptable; the message says why and is safe to show. */
export class CredentialInputError extends Error {
  override readonly name = 'CredentialInputError';
}

/** RFC 4279 §5.1: a PSK identity is sent in the clear as UTF-8; we keep it to printable ASCII, 1 to 128. */
const PSK_IDENTITY = /^[\x21-\x7e]{1,128}$/;
/** Bytes of a PSK the platform generates: 128 bits, the key size of the AES-128 suites LwM2M mandates. */
export const GENERATED_PSK_BYTES = 16;
export const MIN_PSK_BYTES = 16;
export const MAX_PSK_BYTES = 64;

export function isPskIdentity(identity: string): boolean {
  return PSK_IDENTITY.test(identity);
}

export function checkPskIdentity(identity: string): string {
  if (!isPskIdentity(identity)) {
    throw new CredentialInputError('a PSK identity is 1 to 128 printable ASCII characters (no spaces)');
  }
  return identity;
}

/** A PSK given as hex (`0x` prefix, spaces and colons allowed): 16 to 64 bytes. */
export function parsePskKeyHex(text: string): Buffer {
  const hex = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
    throw new CredentialInputError('a PSK key is given in hexadecimal, two digits per byte');
  }
  const key = Buffer.from(hex, 'hex');
  if (key.length < MIN_PSK_BYTES || key.length > MAX_PSK_BYTES) {
    throw new CredentialInputError(
      `a PSK key is ${MIN_PSK_BYTES} to ${MAX_PSK_BYTES} bytes (${MIN_PSK_BYTES * 2} to ${MAX_PSK_BYTES * 2} hex digits)`,
    );
  }
  if (key.every((b) => b === key[0])) {
    throw new CredentialInputError('a PSK key of one repeated byte is not a key');
  }
  return key;
}

/** A fresh random PSK (CSPRNG). */
export function generatePskKey(): Buffer {
  return randomBytes(GENERATED_PSK_BYTES);
}

/**
 * A raw public key (RFC 7250) from a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block: P-256 only (RFC 7251, the curve
 * of LwM2M's TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8). Private keys are refused rather than reduced to their public half:
 * a private key has no business leaving the device, and accepting it would teach people to send it.
 */
export function publicKeyFromPem(pem: string): Buffer {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new CredentialInputError(
      'this is a private key: give the device public key (openssl pkey -pubout), never its private key',
    );
  }
  if (/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new CredentialInputError(
      'this is a certificate: use an X.509 credential (and the tenant CA) for certificate devices',
    );
  }
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length !== 1) {
    throw new CredentialInputError('a raw public key is one PEM "PUBLIC KEY" block (SubjectPublicKeyInfo)');
  }
  return p256Spki(() => createPublicKey({ key: blocks[0]!, format: 'pem' }));
}

/** A raw public key from DER SubjectPublicKeyInfo bytes (e.g. base64 of them). */
export function publicKeyFromDer(der: Buffer): Buffer {
  return p256Spki(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
}

/** Base64 (standard or URL alphabet) of a DER SubjectPublicKeyInfo. */
export function publicKeyFromDerBase64(text: string): Buffer {
  const b64 = text.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) {
    throw new CredentialInputError('publicKeyDerBase64 is not base64');
  }
  return publicKeyFromDer(Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64'));
}

function p256Spki(load: () => KeyObject): Buffer {
  let key: KeyObject;
  try {
    key = load();
  } catch {
    throw new CredentialInputError('not a valid public key (SubjectPublicKeyInfo)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new CredentialInputError('a raw public key must be an EC key on P-256 (prime256v1, secp256r1)');
  }
  // Rebuilt from the coordinates: the uncompressed point (RFC 5480 §2.2), the same 91 bytes whatever form the
  // caller sent (OpenSSL would re-export a compressed point compressed).
  const { x, y } = key.export({ format: 'jwk' });
  return Buffer.concat([P256_SPKI_PREFIX, Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]);
}

/** id-ecPublicKey with prime256v1, then the BIT STRING of an uncompressed point (0x04 || X || Y). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');

/** A SHA-256 given as hex, with or without colons (as `openssl x509 -fingerprint -sha256` prints it). */
export function parseSha256Hex(text: string): Buffer {
  const hex = text.trim().replace(/:/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new CredentialInputError('a SHA-256 is 64 hex digits (colons allowed)');
  }
  return Buffer.from(hex, 'hex');
}

/** The SHA-256 of a DER blob as lowercase hex. */
export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** A CA certificate (PEM or DER) an operator imports: device CAs of the LwM2M server, vendor CAs of bootstrap. */
export function parseCertificateAuthority(certificate: string | Buffer): X509Certificate {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(certificate);
  } catch {
    throw new CredentialInputError('not an X.509 certificate');
  }
  if (!ca.ca) throw new CredentialInputError('the certificate is not a CA (basicConstraints cA is not set)');
  return ca;
}
