import { DEVICE_DIRECTORY_CACHE_PREFIX, type Redis } from '@smartcity/platform-redis';
import { BatchLoader } from './batch-loader';
import { type BatchDeviceDirectory, type DeviceDirectory, type DeviceRecord } from './device-directory';
import { LocalMemo } from './local-memo';

export interface CachedDeviceDirectoryOptions {
  readonly ttlSeconds: number;
  readonly negativeTtlSeconds: number;
  readonly prefix?: string;
  /** In-process memo (ms): devices sending at a high rate skip Redis; other instances' changes show after it. */
  readonly localTtlMs?: number;
  /** Redis batches in flight at once. */
  readonly maxConcurrentBatches?: number;
}

/**
 * Caches resolutions in Redis (shared by instances, invalidated by whoever changes a device, see
 * invalidateDeviceDirectory) with a 1 s in-process memo for devices sending at a high rate. Unknown endpoints
 * are cached for a shorter time so a flood of unknown names does not reach PostgreSQL. Concurrent misses are
 * coalesced: one MGET for the batch, one batched lookup of the inner directory for what Redis lacked, one
 * pipeline of SETs, so a registration storm costs a few round trips per batch rather than per device.
 */
export class CachedDeviceDirectory implements BatchDeviceDirectory {
  private readonly prefix: string;
  private readonly memo: LocalMemo<DeviceRecord | null>;
  private readonly batches: BatchLoader<DeviceRecord | null>;

  constructor(
    private readonly inner: DeviceDirectory,
    private readonly redis: Redis,
    private readonly options: CachedDeviceDirectoryOptions,
  ) {
    this.prefix = options.prefix ?? DEVICE_DIRECTORY_CACHE_PREFIX;
    this.memo = new LocalMemo(options.localTtlMs ?? 1000, 50_000);
    this.batches = new BatchLoader((endpoints) => this.resolveMany(endpoints), null, {
      maxBatch: 500,
      maxConcurrent: options.maxConcurrentBatches ?? 4,
    });
  }

  resolve(endpoint: string): Promise<DeviceRecord | null> {
    const hit = this.memo.get(endpoint, Date.now());
    return hit !== undefined ? Promise.resolve(hit) : this.batches.load(endpoint);
  }

  forget(endpoint?: string): void {
    if (endpoint === undefined) this.memo.clear();
    else this.memo.delete(endpoint);
  }

  async resolveMany(endpoints: readonly string[]): Promise<Map<string, DeviceRecord | null>> {
    const now = Date.now();
    const out = new Map<string, DeviceRecord | null>();
    const raws = endpoints.length > 0 ? await this.redis.mget(endpoints.map((e) => this.prefix + e)) : [];
    const missing: string[] = [];
    endpoints.forEach((endpoint, i) => {
      const raw = raws[i];
      if (raw === null || raw === undefined) missing.push(endpoint);
      else out.set(endpoint, JSON.parse(raw) as DeviceRecord | null);
    });
    if (missing.length > 0) {
      const loaded = await this.loadMissing(missing);
      const writes = this.redis.pipeline();
      for (const [endpoint, record] of loaded) {
        const ttl = record === null ? this.options.negativeTtlSeconds : this.options.ttlSeconds;
        writes.set(this.prefix + endpoint, JSON.stringify(record), 'EX', ttl);
        out.set(endpoint, record);
      }
      // The cache write is part of the lookup (as it was per key): a failure surfaces as Redis unavailable.
      const results = (await writes.exec()) ?? [];
      const failed = results.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    }
    for (const [endpoint, record] of out) this.memo.set(endpoint, record, now);
    return out;
  }

  /**
   * Through the inner directory one by one: a batching one (PgDeviceDirectory) coalesces these into its own
   * batches under its own concurrency bound, the pool it shares with credentials and quotas.
   */
  private async loadMissing(endpoints: readonly string[]): Promise<Map<string, DeviceRecord | null>> {
    const records = await Promise.all(endpoints.map((e) => this.inner.resolve(e)));
    return new Map(endpoints.map((e, i) => [e, records[i] ?? null]));
  }
}
