import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A sealed device secret: iv (12) || tag (16) || ciphertext, and the id of the key that sealed it. */
export interface SealedSecret {
  readonly sealed: Buffer;
  readonly keyId: string;
}

export class CredentialKeyError extends Error {
  override readonly name = 'CredentialKeyError';
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * The platform keys that encrypt device secrets at rest (AES-256-GCM, NIST SP 800-38D). Configured as
 * `id:base64key[,id:base64key...]`: the first seals new secrets, every one opens what it sealed, so a key rotates by
 * putting a new one first and re-sealing at leisure. Errors never carry key material or plaintext.
 */
export class CredentialKeyring {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: string;

  constructor(spec: string) {
    const keys = new Map<string, Buffer>();
    for (const part of spec
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const colon = part.indexOf(':');
      const id = part.slice(0, colon);
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (colon < 1 || !KEY_ID.test(id))
        throw new CredentialKeyError('a credential key needs an id: "id:base64key"');
      if (key.length !== 32) throw new CredentialKeyError(`credential key "${id}" must be 32 bytes (base64)`);
      if (keys.has(id)) throw new CredentialKeyError(`credential key id "${id}" given twice`);
      keys.set(id, key);
    }
    const first = keys.keys().next().value;
    if (first === undefined) throw new CredentialKeyError('no credential key configured');
    this.keys = keys;
    this.current = first;
  }

  /** Encrypts a secret under the current key; the AAD binds it to its owner (a row cannot be swapped for another). */
  seal(secret: Buffer, owner: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current)!, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return { sealed: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]), keyId: this.current };
  }

  /** Decrypts a sealed secret; throws CredentialKeyError when the key is unknown or the data was tampered with. */
  open(secret: SealedSecret, owner: string): Buffer {
    const key = this.keys.get(secret.keyId);
    if (!key) throw new CredentialKeyError(`credential key "${secret.keyId}" is not configured`);
    if (secret.sealed.length < IV_BYTES + TAG_BYTES) throw new CredentialKeyError('sealed secret too short');
    const decipher = createDecipheriv('aes-256-gcm', key, secret.sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(secret.sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(secret.sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new CredentialKeyError('sealed secret does not authenticate');
    }
  }
}
