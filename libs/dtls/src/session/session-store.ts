import { type Clock, systemClock } from '@smartcity/coap';

/**
 * Where resumable sessions live (RFC 5246 §7.3 session cache), keyed by session id. Values are opaque sealed
 * blobs (see SessionSealer), so a shared store (Redis in the ingest) never holds a master secret in the clear
 * and every instance with the sealing keys can resume a session another instance created.
 */
export interface SessionStore {
  get(sessionId: Buffer): Promise<Buffer | undefined>;
  /** Stores the sealed session; the store may drop it after `ttlMs`. */
  put(sessionId: Buffer, sealed: Buffer, ttlMs: number): Promise<void>;
  delete(sessionId: Buffer): Promise<void>;
}

/** A bounded in-process SessionStore: expiry on the injected clock, oldest entries evicted first when full. */
export class InMemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, { sealed: Buffer; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly clock: Clock = systemClock,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(sessionId: Buffer): Promise<Buffer | undefined> {
    const key = sessionId.toString('hex');
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.sealed;
  }

  async put(sessionId: Buffer, sealed: Buffer, ttlMs: number): Promise<void> {
    const key = sessionId.toString('hex');
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { sealed, expiresAt: this.clock.now() + ttlMs });
  }

  async delete(sessionId: Buffer): Promise<void> {
    this.entries.delete(sessionId.toString('hex'));
  }
}
