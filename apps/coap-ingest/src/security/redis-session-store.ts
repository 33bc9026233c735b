import { type SessionStore } from '@smartcity/dtls';
import { type Redis } from '@smartcity/platform-redis';

/**
 * DTLS sessions shared by every ingest instance (RFC 5246 §7.3 session cache): a device whose load balancer
 * binding moves to another instance resumes there with an abbreviated handshake. Values are sealed by the DTLS
 * library (AES-256-GCM under the configured session keys): Redis never holds a master secret in the clear.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(sessionId: Buffer): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.key(sessionId))) ?? undefined;
  }

  async put(sessionId: Buffer, sealed: Buffer, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(sessionId), sealed, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async delete(sessionId: Buffer): Promise<void> {
    await this.redis.del(this.key(sessionId));
  }

  private key(sessionId: Buffer): string {
    return `${this.prefix}dtls:${sessionId.toString('hex')}`;
  }
}
