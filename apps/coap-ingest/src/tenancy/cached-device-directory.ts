import { DEVICE_DIRECTORY_CACHE_PREFIX, type Redis, RedisJsonCache } from '@smartcity/platform-redis';
import { type DeviceDirectory, type DeviceRecord } from './device-directory';

/**
 * Caches resolutions in Redis (shared by instances, invalidated by whoever changes a device, see
 * invalidateDeviceDirectory) with a 1 s in-process memo for devices sending at a high rate. Unknown endpoints
 * are cached for a shorter time so a flood of unknown names does not reach PostgreSQL.
 */
export class CachedDeviceDirectory implements DeviceDirectory {
  private readonly cache: RedisJsonCache<DeviceRecord>;

  constructor(
    private readonly inner: DeviceDirectory,
    redis: Redis,
    options: { ttlSeconds: number; negativeTtlSeconds: number; prefix?: string },
  ) {
    this.cache = new RedisJsonCache<DeviceRecord>(redis, {
      prefix: options.prefix ?? DEVICE_DIRECTORY_CACHE_PREFIX,
      ttlSeconds: options.ttlSeconds,
      negativeTtlSeconds: options.negativeTtlSeconds,
      localTtlMs: 1000,
    });
  }

  resolve(endpoint: string): Promise<DeviceRecord | null> {
    return this.cache.get(endpoint, () => this.inner.resolve(endpoint));
  }
}
