import { type Redis } from 'ioredis';
import { publishDeviceChanges } from './device-changes';
import { invalidateDeviceDirectory } from './device-directory-cache';
import { deleteKeysMatching } from './redis-client';

/**
 * Removes what Redis holds for a deleted tenant (issue 17 item 6): the ingest's cached resolutions of its
 * endpoints, their registrations (`<prefix>ep:<endpoint>` -> id, `<prefix>reg:<id>`, the expiry index), and the
 * gateway's per-tenant counters (`quota:*:<tenant>:*`). Every endpoint is then published as decommissioned, so
 * an ingest drops the live registrations and DTLS sessions it still holds in memory. Returns the keys removed.
 */
export async function purgeTenantKeys(
  redis: Redis,
  tenant: string,
  endpoints: readonly string[],
  ingestPrefix = 'sc:ingest:',
): Promise<number> {
  let removed = 0;
  for (let i = 0; i < endpoints.length; i += 500) {
    const batch = endpoints.slice(i, i + 500);
    await invalidateDeviceDirectory(redis, batch);
    const ids = await redis.mget(...batch.map((e) => `${ingestPrefix}ep:${e}`));
    const live = ids.filter((id): id is string => id !== null);
    if (live.length > 0) await redis.zrem(`${ingestPrefix}expiry`, ...live);
    removed += await redis.unlink(
      ...batch.map((e) => `${ingestPrefix}ep:${e}`),
      ...live.map((id) => `${ingestPrefix}reg:${id}`),
    );
  }
  removed += await deleteKeysMatching(redis, `quota:*:${tenant}:*`);
  await publishDeviceChanges(
    redis,
    endpoints.map((endpoint) => ({ tenant, endpoint, change: 'decommissioned' })),
  );
  return removed;
}
