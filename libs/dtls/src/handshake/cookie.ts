import { createHmac } from 'node:crypto';
import { type Clock } from '@smartcity/coap';
import { u16, u16List, vector16, vector8 } from '../codec/byte-writer';
import { constantTimeEqual } from '../crypto/constant-time';
import { type ClientHello } from './messages/hello';

export const COOKIE_BYTES = 32;

/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): Cookie = HMAC(Secret, Client-IP, Client-Parameters).
 * The parameters are the ones the client MUST repeat (version, random, session_id, cipher_suites,
 * compression_methods), so a cookie is bound to one address+port and one ClientHello. The secret rotates every
 * `rotationMs` on the injected clock and the previous one stays valid for one more period, so a cookie lives
 * between one and two periods. Nothing is stored per client.
 */
export class CookieAuthority {
  private current: Buffer;
  private previous: Buffer | undefined;
  private rotatedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly randomBytes: (n: number) => Buffer,
    private readonly rotationMs: number,
  ) {
    this.current = randomBytes(32);
    this.rotatedAt = clock.now();
  }

  create(address: string, port: number, hello: ClientHello): Buffer {
    this.rotate();
    return this.mac(this.current, address, port, hello);
  }

  verify(address: string, port: number, hello: ClientHello): boolean {
    if (hello.cookie.length !== COOKIE_BYTES) return false;
    this.rotate();
    // Both comparisons always run, so timing does not tell which secret matched.
    const okCurrent = constantTimeEqual(hello.cookie, this.mac(this.current, address, port, hello));
    const okPrevious = this.previous
      ? constantTimeEqual(hello.cookie, this.mac(this.previous, address, port, hello))
      : false;
    return okCurrent || okPrevious;
  }

  private rotate(): void {
    const elapsed = this.clock.now() - this.rotatedAt;
    if (elapsed < this.rotationMs) return;
    this.previous = elapsed < 2 * this.rotationMs ? this.current : undefined;
    this.current = this.randomBytes(32);
    this.rotatedAt = this.clock.now();
  }

  private mac(secret: Buffer, address: string, port: number, hello: ClientHello): Buffer {
    return createHmac('sha256', secret)
      .update(vector8(Buffer.from(address, 'utf8')))
      .update(u16(port))
      .update(u16(hello.clientVersion))
      .update(hello.random)
      .update(vector8(hello.sessionId))
      .update(vector16(u16List(hello.cipherSuites)))
      .update(vector8(Buffer.from(hello.compressionMethods)))
      .digest();
  }
}
