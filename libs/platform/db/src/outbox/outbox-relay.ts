import { type Pool, type PoolClient } from 'pg';
import { type OutboxRecord, type OutboxRow, toOutboxRecord } from './outbox';

/** Where the relay hands events: resolves only once they are durable (Kafka acknowledged, acks=all). */
export interface OutboxSink {
  publish(records: readonly OutboxRecord[]): Promise<void>;
}

export interface OutboxRelayOptions {
  /** The source whose events this relay publishes (event_outbox.source). */
  readonly source: string;
  /** Events per publish. */
  readonly batchSize?: number;
  /** Pause between looks at an empty outbox (ms); kick() ends it early. */
  readonly pollMs?: number;
  /** Pause of a standby relay (another process holds the lock) or after a failure (ms). */
  readonly retryMs?: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Publishes the events of one outbox source in id order and deletes them once the sink resolved. One relay per
 * source runs at a time, whatever the number of processes: it holds the session advisory lock `outbox:<source>` on
 * a connection of its own (released by PostgreSQL when the process dies, so a standby takes over). A publish that
 * fails is retried, never skipped; a crash between publish and delete republishes (at-least-once: event ids are
 * stable, partners dedupe).
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly retryMs: number;
  private client: PoolClient | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private stopped = true;

  constructor(
    private readonly pool: Pool,
    private readonly sink: OutboxSink,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 200;
    this.retryMs = options.retryMs ?? 1000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Events were just committed: look now rather than at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Stops the loop after a last pass (bounded by timeoutMs), and releases the lock. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.client) {
      const last = this.drain().catch((err: unknown) => this.options.onError?.(err));
      await Promise.race([last, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    }
    this.release();
  }

  /** Publishes everything pending now, if this relay holds (or gets) the lock; returns the events published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pass();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let pause = this.pollMs;
      try {
        const n = await this.pass();
        if (n === this.batchSize) continue;
        if (!this.client) pause = this.retryMs; // standby
      } catch (err) {
        this.options.onError?.(err);
        this.release(err as Error);
        pause = this.retryMs;
      }
      await this.sleep(pause);
    }
  }

  /** One batch: take the lock if needed, read, publish, delete. 0 when nothing is pending or the lock is held elsewhere. */
  private async pass(): Promise<number> {
    const client = await this.locked();
    if (!client) return 0;
    const { rows } = await client.query<OutboxRow>('SELECT * FROM platform.outbox_pending($1, $2)', [
      this.options.source,
      this.batchSize,
    ]);
    if (rows.length === 0) return 0;
    await this.sink.publish(rows.map(toOutboxRecord));
    await client.query('SELECT platform.outbox_done($1, $2::bigint[])', [
      this.options.source,
      rows.map((r) => String(r.id)),
    ]);
    return rows.length;
  }

  private async locked(): Promise<PoolClient | undefined> {
    if (this.client) return this.client;
    const client = await this.pool.connect();
    // A checked-out client that loses its connection emits 'error'; unhandled it would end the process.
    const onError = (err: Error) => {
      this.options.onError?.(err);
      if (this.client === client) this.release(err);
    };
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [`outbox:${this.options.source}`],
      );
      if (rows[0]?.ok) {
        this.client = client;
        return client;
      }
    } catch (err) {
      client.off('error', onError);
      client.release(err as Error);
      throw err;
    }
    client.off('error', onError);
    client.release();
    return undefined;
  }

  /** Gives the lock connection back; destroyed (so the lock goes with it) when it failed or on stop. */
  private release(err?: Error): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    // Destroying the connection ends the session, which releases its advisory lock (no unlock round trip).
    client.release(err ?? true);
  }

  private sleep(ms: number): Promise<void> {
    if (this.kicked || this.stopped) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.kicked = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      timer.unref();
      this.wake = finish;
    });
  }
}
