// Smoke test of the local stack's Redis (deploy/local/stack up).
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

jest.setTimeout(30_000);

describe('local stack: Redis', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    return redis.connect();
  });

  afterAll(async () => {
    await redis?.quit();
  });

  it('answers PING with PONG', async () => {
    await expect(redis.ping()).resolves.toBe('PONG');
  });

  it('stores and expires a key', async () => {
    const key = `stack-smoke:${randomBytes(4).toString('hex')}`;
    await redis.set(key, 'value', 'PX', 60_000);
    await expect(redis.get(key)).resolves.toBe('value');
    await expect(redis.pttl(key)).resolves.toBeGreaterThan(0);
    await redis.del(key);
    await expect(redis.exists(key)).resolves.toBe(0);
  });
});
