/**
 * Message deduplication (RFC 7252 §4.5): remembers each (peer, message id) for EXCHANGE_LIFETIME (CON) so a
 * retransmitted request gets the same response again instead of being processed twice. Two generations of
 * maps rotate every half lifetime (an entry lives between half and one lifetime) and rotate early when the
 * current one is full, so memory stays bounded under any request rate.
 */
export class DedupCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private rotatedAt: number;

  constructor(
    private readonly lifetimeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rotatedAt = now();
  }

  get(key: string): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V): void {
    const now = this.now();
    if (now - this.rotatedAt >= this.lifetimeMs / 2 || this.current.size >= this.maxEntries / 2) {
      this.previous = this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
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
}
