import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { DtlsError } from '../errors';
import { AlertDescription } from '../protocol/constants';

/**
 * ECDSA with P-256 and SHA-256 (RFC 8422 §5.8 / RFC 5246 §4.7), DER-encoded signatures
 * (`Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`), the only signature scheme this library uses.
 */
export function signEcdsaSha256(privateKey: KeyObject, data: Buffer): Buffer {
  return sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
}

export function verifyEcdsaSha256(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** True for an EC key on secp256r1 (prime256v1). */
export function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/** A peer's RFC 7250 SubjectPublicKeyInfo as a key; anything but a P-256 key is unsupported_certificate. */
export function p256KeyFromSpki(spki: Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new DtlsError(AlertDescription.bad_certificate, 'SubjectPublicKeyInfo does not parse');
  }
  if (!isP256(key))
    throw new DtlsError(AlertDescription.unsupported_certificate, 'public key is not EC P-256');
  return key;
}

/** Loads our own P-256 private key (PEM, DER PKCS#8 or a KeyObject); anything else is a configuration error. */
export function loadP256PrivateKey(key: KeyObject | string | Buffer): KeyObject {
  const k = typeof key === 'string' || Buffer.isBuffer(key) ? createPrivateKey(key) : key;
  if (k.type !== 'private' || !isP256(k))
    throw new TypeError('the DTLS private key must be an EC P-256 private key');
  return k;
}

/** DER SubjectPublicKeyInfo of a key (the RFC 7250 raw public key). */
export function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}
