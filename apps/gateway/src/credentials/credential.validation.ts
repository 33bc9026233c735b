import {
  checkPskIdentity,
  CredentialInputError,
  type DeviceCredentialInput as StoredCredential,
  generatePskKey,
  parsePskKeyHex,
  publicKeyFromDerBase64,
  publicKeyFromPem,
} from '@smartcity/platform-db';
import { GatewayException } from '../errors/gateway.exception';

/** The credential fields of the GraphQL input (`DeviceCredentialInput`), as plain data. */
export interface CredentialFields {
  readonly psk?: { readonly identity: string; readonly keyHex: string } | null;
  readonly generatePsk?: boolean | null;
  readonly rpk?: {
    readonly publicKeyPem?: string | null;
    readonly publicKeyDerBase64?: string | null;
  } | null;
  readonly x509?: boolean | null;
}

/** A checked credential, and the PSK the platform generated for it (to be shown once). */
export interface CheckedCredential {
  readonly credential: StoredCredential;
  readonly generated: { readonly identity: string; readonly keyHex: string } | null;
}

/** Larger than any P-256 public key PEM or base64, small enough that nothing big is parsed. */
const MAX_PUBLIC_KEY_TEXT = 4096;

/**
 * Checks a credential input (exactly one kind) and turns it into what the repository stores; `endpoint` is the
 * default identity of a generated PSK. Errors are BAD_USER_INPUT naming the argument; they never echo key material.
 */
export function checkCredential(input: CredentialFields, endpoint: string, at: string): CheckedCredential {
  const given = (['psk', 'generatePsk', 'rpk', 'x509'] as const).filter(
    (k) => input[k] !== undefined && input[k] !== null && input[k] !== false,
  );
  if (given.length !== 1) {
    throw GatewayException.badInput(
      'a credential is exactly one of psk, generatePsk, rpk or x509',
      given.length === 0 ? at : `${at}.${given[1] ?? given[0]}`,
    );
  }
  const kind = given[0];
  const field = `${at}.${kind}`;
  try {
    if (input.psk) {
      return {
        credential: {
          mode: 'psk',
          identity: checkPskIdentity(input.psk.identity),
          key: parsePskKeyHex(input.psk.keyHex),
        },
        generated: null,
      };
    }
    if (input.generatePsk) {
      const identity = checkPskIdentityOf(endpoint, field);
      const key = generatePskKey();
      return {
        credential: { mode: 'psk', identity, key },
        generated: { identity, keyHex: key.toString('hex') },
      };
    }
    if (input.rpk)
      return { credential: { mode: 'rpk', publicKey: publicKeyOf(input.rpk, field) }, generated: null };
    return { credential: { mode: 'x509' }, generated: null };
  } catch (err) {
    if (err instanceof CredentialInputError) throw GatewayException.badInput(err.message, field);
    throw err;
  }
}

function checkPskIdentityOf(endpoint: string, field: string): string {
  try {
    return checkPskIdentity(endpoint);
  } catch {
    throw GatewayException.badInput(
      'the endpoint name cannot be a PSK identity (1 to 128 printable ASCII characters): give psk { identity keyHex }',
      field,
    );
  }
}

function publicKeyOf(rpk: NonNullable<CredentialFields['rpk']>, field: string): Buffer {
  const pem = rpk.publicKeyPem ?? null;
  const der = rpk.publicKeyDerBase64 ?? null;
  if ((pem === null) === (der === null)) {
    throw GatewayException.badInput('give exactly one of publicKeyPem and publicKeyDerBase64', field);
  }
  const text = (pem ?? der)!;
  if (text.length > MAX_PUBLIC_KEY_TEXT) throw GatewayException.badInput('public key too long', field);
  return pem !== null ? publicKeyFromPem(pem) : publicKeyFromDerBase64(text);
}
