import { type Clock, systemClock } from '../time/clock';

/**
 * Message deduplication (RFC 7252 §4.5): remembers each (peer, message id) for EXCHANGE_LIFETIME so a
 * retransmitted message gets the same answer again instead of being processed twice. Two generations of maps
 * rotate every half lifetime (an entry lives between half and one lifetime) and rotate early when the current
 * one is full, so memory stays bounded under any message rate.
 */
export class DedupCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private rotatedAt: number;

  constructor(
    private readonly lifetimeMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.rotatedAt = clock.now();
  }

  get(key: string): V | undefined {
    this.rotateIfDue(false);
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V): void {
    this.rotateIfDue(this.current.size >= this.maxEntries / 2);
    this.current.set(key, value);
  }

  /** Replaces the value of a key wherever it lives (e.g. "in progress" -> cached response). */
  update(key: string, value: V): void {
    if (this.current.has(key)) this.current.set(key, value);
    else if (this.previous.has(key)) this.previous.set(key, value);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  private rotateIfDue(full: boolean): void {
    const now = this.clock.now();
    if (full || now - this.rotatedAt >= this.lifetimeMs / 2) {
      this.previous = this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
  }
}
