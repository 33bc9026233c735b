import { createHash } from 'node:crypto';
import { type Redis } from '@smartcity/platform-redis';
import { type Logger } from '@smartcity/platform-observability';

/** A Send this ingest answered with 5.03 after trying to publish it, as its retry finds it. */
export interface RetryStamp {
  readonly key: string;
  /** The first attempt's receive time (ms), when one was recorded. */
  readonly firstReceivedAt: number | undefined;
}

/**
 * Makes a device's retry of a Send after a 5.03 write the same rows as its first attempt (issue 16 finding 4). When
 * Kafka answers late the first attempt may be stored although the device got 5.03; its untimed values took that
 * attempt's receive time, the retry's would take a later one. So when a publish fails, the first receive time is kept
 * in Redis (SET NX, shared by the instances: the retry may reach another one after a restart), keyed by endpoint
 * and SHA-256 of content format and payload (the retry has a new message id and token, the same content); the retry
 * is published with `firstReceivedAt`, which the decoder uses for untimed values. The key is removed once a retry
 * was acknowledged. Nothing is recorded on a first attempt that succeeds, and the hot path reads Redis only for an
 * endpoint with a failed attempt on this instance, or a Send that took the registration over from another instance.
 */
export class RetryStamps {
  /** Endpoints with a failed attempt recorded here, until the stamp's expiry (ms). */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly options: {
      readonly prefix: string;
      /** How long a first attempt is remembered (a device gives up long before: MAX_TRANSMIT_WAIT is 93 s). */
      readonly ttlMs: number;
      readonly now: () => number;
      /** Bound of `pending` (endpoints); beyond it the oldest are forgotten (their retries look like first attempts). */
      readonly maxPending: number;
    },
  ) {}

  /** The stamp of a Send when it may be a retry (see the class comment), else undefined without any I/O. */
  async lookup(
    endpoint: string,
    contentFormat: number,
    payload: Buffer,
    tookOver: boolean,
  ): Promise<RetryStamp | undefined> {
    if (!tookOver && !this.isPending(endpoint)) return undefined;
    const key = this.keyOf(endpoint, contentFormat, payload);
    try {
      const stored = await this.redis.get(key);
      return { key, firstReceivedAt: stored === null ? undefined : Number(stored) };
    } catch (err) {
      // Without Redis the retry is stored at its own receive time: the duplicate this class avoids, no loss.
      this.logger.warn({ err, endpoint }, 'retry stamp not read');
      return undefined;
    }
  }

  /** The publish of a Send received at `receivedAt` failed (the device gets 5.03 and will retry). */
  async failed(endpoint: string, contentFormat: number, payload: Buffer, receivedAt: number): Promise<void> {
    const now = this.options.now();
    this.pending.delete(endpoint);
    this.pending.set(endpoint, now + this.options.ttlMs);
    if (this.pending.size > this.options.maxPending) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    const key = this.keyOf(endpoint, contentFormat, payload);
    try {
      // NX: a second failed retry keeps the first attempt's time.
      await this.redis.set(key, String(receivedAt), 'PX', this.options.ttlMs, 'NX');
    } catch (err) {
      this.logger.warn({ err, endpoint }, 'retry stamp not recorded');
    }
  }

  /** A retry was published and acknowledged: its stamp is no longer needed. */
  async acknowledged(endpoint: string, stamp: RetryStamp): Promise<void> {
    // `pending` stays until it expires: the endpoint may have other failed Sends still to retry.
    if (stamp.firstReceivedAt === undefined) return;
    try {
      await this.redis.del(stamp.key);
    } catch (err) {
      this.logger.warn({ err, endpoint }, 'retry stamp not removed (it expires)');
    }
  }

  private isPending(endpoint: string): boolean {
    const until = this.pending.get(endpoint);
    if (until === undefined) return false;
    if (until > this.options.now()) return true;
    this.pending.delete(endpoint);
    return false;
  }

  private keyOf(endpoint: string, contentFormat: number, payload: Buffer): string {
    const digest = createHash('sha256')
      .update(String(contentFormat))
      .update(':')
      .update(payload)
      .digest('hex');
    return `${this.options.prefix}retry:${endpoint}:${digest}`;
  }
}
