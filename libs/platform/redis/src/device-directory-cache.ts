import { type Redis } from 'ioredis';

/**
 * Where the ingest caches the endpoint -> tenant/device resolution (docs ARCHITECTURE.md "Tenancy"). Whoever
 * changes a device, its profile or a tenant's auto-provisioning (CLI, gateway) invalidates the entry so the
 * next registration sees the change at once.
 */
// v2: entries carry the security mode and the tenant's NoSec setting (an older entry must not be read as NoSec).
export const DEVICE_DIRECTORY_CACHE_PREFIX = 'sc:device-directory:v2:';

export async function invalidateDeviceDirectory(redis: Redis, endpoints: readonly string[]): Promise<void> {
  if (endpoints.length === 0) return;
  await redis.del(...endpoints.map((e) => DEVICE_DIRECTORY_CACHE_PREFIX + e));
}
