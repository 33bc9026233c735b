import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { type SessionState } from '../connection/types';
import { decodeSessionState, encodeSessionState } from './session-codec';

/** A session sealing key: AES-256 (32 bytes) under an id that travels with every blob, so keys can rotate. */
export interface SealingKey {
  readonly id: string;
  readonly key: Buffer;
}

const NONCE = 12;
const TAG = 16;
const CONTEXT = Buffer.from('smartcity/dtls session v1', 'ascii');

/**
 * Seals session state with AES-256-GCM (NIST SP 800-38D, 96-bit random nonce): `keyId<1..255> nonce ciphertext
 * tag`. The first key seals; every key opens, so a new key can be rolled out before the old one is retired. The
 * additional data binds the blob to its session id, so a blob copied under another id in a shared store fails.
 */
export class SessionSealer {
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly keys: readonly SealingKey[],
    private readonly randomBytes: (n: number) => Buffer = nodeRandomBytes,
  ) {
    if (keys.length === 0) throw new TypeError('at least one session sealing key is required');
    for (const k of keys) {
      if (k.key.length !== 32) throw new TypeError(`session sealing key ${k.id} must be 32 bytes`);
      if (Buffer.byteLength(k.id) === 0 || Buffer.byteLength(k.id) > 255)
        throw new TypeError('bad sealing key id');
    }
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  seal(session: SessionState): Buffer {
    const { id, key } = this.keys[0]!;
    const keyId = Buffer.from(id, 'utf8');
    const nonce = this.randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(this.aad(keyId, session.sessionId));
    const body = Buffer.concat([cipher.update(encodeSessionState(session)), cipher.final()]);
    return Buffer.concat([Buffer.from([keyId.length]), keyId, nonce, body, cipher.getAuthTag()]);
  }

  /** The session, or undefined for an unknown key id, a tampered blob, or a blob of another session id. */
  unseal(sealed: Buffer, sessionId: Buffer): SessionState | undefined {
    try {
      const idLength = sealed[0]!;
      const keyId = sealed.subarray(1, 1 + idLength);
      const key = this.byId.get(keyId.toString('utf8'));
      const start = 1 + idLength;
      if (!key || sealed.length < start + NONCE + TAG) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(start, start + NONCE));
      decipher.setAAD(this.aad(keyId, sessionId));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(start + NONCE, sealed.length - TAG)),
        decipher.final(),
      ]);
      const session = decodeSessionState(plain);
      plain.fill(0);
      return session.sessionId.equals(sessionId) ? session : undefined;
    } catch {
      return undefined;
    }
  }

  private aad(keyId: Buffer, sessionId: Buffer): Buffer {
    return Buffer.concat([CONTEXT, Buffer.from([keyId.length]), keyId, sessionId]);
  }
}
