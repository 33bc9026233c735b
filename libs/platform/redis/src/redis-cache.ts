import { type Redis } from 'ioredis';

/**
 * A read-through JSON cache in Redis with explicit invalidation, plus a short in-process layer so a hot
 * key (the same device sending at a high rate) does not cost a Redis round trip per request.
 * `null` results are cached too (negative caching of unknown keys), for a shorter time.
 */
export class RedisJsonCache<T> {
  private readonly local = new Map<string, { value: T | null; until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly options: {
      /** Key prefix, e.g. `sc:device:`. */
      readonly prefix: string;
      readonly ttlSeconds: number;
      readonly negativeTtlSeconds?: number;
      /** In-process memo lifetime (ms); 0 disables it. */
      readonly localTtlMs?: number;
      /** Bound of the in-process layer. */
      readonly localMaxEntries?: number;
    },
  ) {}

  async get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const now = Date.now();
    const memo = this.local.get(key);
    if (memo && memo.until > now) return memo.value;
    const raw = await this.redis.get(this.options.prefix + key);
    let value: T | null;
    if (raw !== null) {
      value = JSON.parse(raw) as T | null;
    } else {
      value = await load();
      const ttl = value === null ? (this.options.negativeTtlSeconds ?? 30) : this.options.ttlSeconds;
      await this.redis.set(this.options.prefix + key, JSON.stringify(value), 'EX', ttl);
    }
    this.remember(key, value, now);
    return value;
  }

  /** Drops the entry here and in Redis; other processes see the change after their local memo expires. */
  async invalidate(key: string): Promise<void> {
    this.local.delete(key);
    await this.redis.del(this.options.prefix + key);
  }

  private remember(key: string, value: T | null, now: number): void {
    const ttl = this.options.localTtlMs ?? 1000;
    if (ttl <= 0) return;
    if (this.local.size >= (this.options.localMaxEntries ?? 50_000)) this.local.clear();
    this.local.set(key, { value, until: now + ttl });
  }
}
