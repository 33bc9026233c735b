import { randomBytes } from 'node:crypto';
import { createLogger } from '@smartcity/platform-observability';
import { RedisJsonCache } from './redis-cache';
import { closeRedis, createRedis, deleteKeysMatching, isRedisReady } from './redis-client';

describe('platform redis against the local Redis', () => {
  const run = randomBytes(4).toString('hex');
  const prefix = `test:redis-lib:${run}:`;
  const redis = createRedis({
    url: 'redis://127.0.0.1:6379',
    logger: createLogger({ app: 't', level: 'silent' }),
  });

  afterAll(async () => {
    await deleteKeysMatching(redis, `${prefix}*`);
    await closeRedis(redis);
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

  it('deletes keys by pattern with SCAN', async () => {
    await redis.mset(`${prefix}a`, '1', `${prefix}b`, '2');
    expect(await deleteKeysMatching(redis, `${prefix}[ab]`)).toBe(2);
    expect(await redis.exists(`${prefix}a`, `${prefix}b`)).toBe(0);
  });
});
