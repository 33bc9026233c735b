/**
 * A bounded in-process memo whose entries all live `ttlMs`: insertion order is expiry order, so expired entries
 * are dropped from the front as new ones arrive and the memo holds about one TTL's worth of keys, not every key
 * ever seen (100,000 registered devices must not keep 100,000 records here).
 */
export class LocalMemo<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The value, or undefined when absent or expired. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > now ? entry.value : undefined;
  }

  set(key: string, value: V, now: number): void {
    if (this.ttlMs <= 0) return;
    this.evict(now);
    this.entries.delete(key);
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.until > now && this.entries.size < this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
