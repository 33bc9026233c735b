import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScramMechanism, scramSaltedPassword } from './scram-codec';

/**
 * The client side of a SCRAM exchange (RFC 5802 §3 and §5; SCRAM-SHA-256 RFC 7677, SCRAM-SHA-512 the same with
 * SHA-512), without channel binding (gs2 header `n,,`): what our own admin connection sends inside Kafka's
 * SaslAuthenticate requests (KIP-152) when the platform's client has its own SCRAM principal. Pure: the caller
 * does the I/O and supplies the nonce in tests.
 */
export class ScramClientSession {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    username: string,
    private readonly password: string,
    private readonly clientNonce: string = randomBytes(24).toString('base64'),
  ) {
    // RFC 5802 §5.1: saslname escapes ',' as =2C and '=' as =3D.
    const saslname = username.replace(/=/g, '=3D').replace(/,/g, '=2C');
    this.clientFirstBare = `n=${saslname},r=${clientNonce}`;
  }

  /** client-first-message = gs2-header client-first-message-bare. */
  clientFirst(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** Takes server-first-message, returns client-final-message with the proof (RFC 5802 §3). */
  clientFinal(serverFirst: string): string {
    const attrs = parseAttributes(serverFirst);
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (attrs.has('m')) throw new Error('SCRAM: the server requires an extension we do not support');
    if (!nonce || !salt || !Number.isInteger(iterations))
      throw new Error('SCRAM: malformed server-first-message');
    // §5.1 r: the server's nonce starts with ours; RFC 7677 §4: at least 4096 iterations.
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length)
      throw new Error('SCRAM: the server nonce does not extend the client nonce');
    if (iterations < 4096)
      throw new Error(`SCRAM: ${iterations} iterations is below the RFC 7677 minimum of 4096`);
    const { hash } = hashOf(this.mechanism);
    const salted = scramSaltedPassword(
      this.password,
      Buffer.from(salt, 'base64'),
      iterations,
      this.mechanism,
    );
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientKey = hmac(hash, salted, 'Client Key');
    const storedKey = createHash(hash).update(clientKey).digest();
    const clientSignature = hmac(hash, storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (clientSignature[i] as number)));
    this.expectedServerSignature = hmac(hash, hmac(hash, salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks server-final-message: `v=` must be the ServerSignature (the server knew the password), `e=` fails. */
  verifyServerFinal(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal);
    const error = attrs.get('e');
    if (error !== undefined) throw new Error(`SCRAM: the server refused: ${error}`);
    const v = attrs.get('v');
    if (!v || !this.expectedServerSignature) throw new Error('SCRAM: malformed server-final-message');
    const got = Buffer.from(v, 'base64');
    if (
      got.length !== this.expectedServerSignature.length ||
      !timingSafeEqual(got, this.expectedServerSignature)
    )
      throw new Error('SCRAM: wrong server signature');
  }
}

function hashOf(mechanism: ScramMechanism): { hash: 'sha256' | 'sha512' } {
  return { hash: mechanism === ScramMechanism.ScramSha512 ? 'sha512' : 'sha256' };
}

function hmac(hash: string, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

/** `a=value,b=value` (RFC 5802 §5.1: values may contain '=' but not ','). */
function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) {
    const i = part.indexOf('=');
    if (i !== 1) throw new Error('SCRAM: malformed attribute');
    attrs.set(part.slice(0, 1), part.slice(2));
  }
  return attrs;
}
