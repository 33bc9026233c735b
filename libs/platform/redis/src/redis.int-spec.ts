import { randomBytes } from 'node:crypto';
import { createLogger } from '@smartcity/platform-observability';
import {
  CERTIFICATE_AUTHORITY_CHANGES_CHANNEL,
  type DeviceChange,
  publishCertificateAuthorityChange,
  publishDeviceChange,
  publishDeviceChanges,
  subscribeDeviceChanges,
} from './device-changes';
import { DEVICE_DIRECTORY_CACHE_PREFIX } from './device-directory-cache';
import { RedisJsonCache } from './redis-cache';
import { closeRedis, createRedis, deleteKeysMatching, isRedisReady } from './redis-client';

describe('platform redis against the local Redis', () => {
  const run = randomBytes(4).toString('hex');
  const prefix = `test:redis-lib:${run}:`;
  // A city no one has: a running ingest hears the test's changes too.
  const city = `rl-${run}`;
  const redis = createRedis({
    url: 'redis://127.0.0.1:6379',
    logger: createLogger({ app: 't', level: 'silent' }),
  });

  const subscriber = createRedis({
    url: 'redis://127.0.0.1:6379',
    logger: createLogger({ app: 't', level: 'silent' }),
  });

  afterAll(async () => {
    await deleteKeysMatching(redis, `${prefix}*`);
    await closeRedis(redis);
    await closeRedis(subscriber);
  });

  it('reports ready once connected', async () => {
    await new Promise((r) => (redis.status === 'ready' ? r(null) : redis.once('ready', r)));
    expect(await isRedisReady(redis)).toBe(true);
  });

  it('caches loaded values (also null) and reloads after invalidation', async () => {
    const cache = new RedisJsonCache<{ tenant: string }>(redis, { prefix, ttlSeconds: 60, localTtlMs: 0 });
    let loads = 0;
    const load = async () => {
      loads++;
      return loads === 1 ? null : { tenant: 'lyon' };
    };
    expect(await cache.get('ep1', load)).toBeNull();
    expect(await cache.get('ep1', load)).toBeNull();
    expect(loads).toBe(1);
    expect(await redis.ttl(`${prefix}ep1`)).toBeLessThanOrEqual(30);
    await cache.invalidate('ep1');
    expect(await cache.get('ep1', load)).toEqual({ tenant: 'lyon' });
    expect(await cache.get('ep1', load)).toEqual({ tenant: 'lyon' });
    expect(loads).toBe(2);
  });

  it('publishes device changes after invalidating their directory entries, and subscribers read them', async () => {
    const received: DeviceChange[] = [];
    const unsubscribe = await subscribeDeviceChanges(subscriber, (c) => received.push(c));
    const endpoint = `${prefix}ep-change`;
    await redis.set(DEVICE_DIRECTORY_CACHE_PREFIX + endpoint, '{"tenantId":"lyon"}');
    // At least this subscriber (a running ingest listens too).
    expect(
      await publishDeviceChange(redis, { tenant: city, endpoint, change: 'decommissioned' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await redis.exists(DEVICE_DIRECTORY_CACHE_PREFIX + endpoint)).toBe(0);
    const many = Array.from({ length: 1200 }, (_, i) => ({
      tenant: city,
      endpoint: `${prefix}many-${i}`,
      change: 'credential-changed' as const,
    }));
    expect(await publishDeviceChanges(redis, many)).toBeGreaterThanOrEqual(1200);
    await waitFor(() => received.length === 1201);
    expect(received[0]).toEqual({ tenant: city, endpoint, change: 'decommissioned' });
    expect(received.slice(1)).toEqual(many);
    await unsubscribe();
    await publishDeviceChange(redis, { tenant: city, endpoint, change: 'decommissioned' });
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1201);
  });

  it('publishes a tenant CA change on its own channel', async () => {
    const messages: string[] = [];
    const listener = (channel: string, message: string) => {
      if (channel === CERTIFICATE_AUTHORITY_CHANGES_CHANNEL) messages.push(message);
    };
    subscriber.on('message', listener);
    await subscriber.subscribe(CERTIFICATE_AUTHORITY_CHANGES_CHANNEL);
    expect(await publishCertificateAuthorityChange(redis, city)).toBeGreaterThanOrEqual(1);
    await waitFor(() => messages.length === 1);
    expect(JSON.parse(messages[0]!)).toEqual({ tenant: city });
    subscriber.removeListener('message', listener);
    await subscriber.unsubscribe(CERTIFICATE_AUTHORITY_CHANGES_CHANNEL);
  });

  it('deletes keys by pattern with SCAN', async () => {
    await redis.mset(`${prefix}a`, '1', `${prefix}b`, '2');
    expect(await deleteKeysMatching(redis, `${prefix}[ab]`)).toBe(2);
    expect(await redis.exists(`${prefix}a`, `${prefix}b`)).toBe(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
