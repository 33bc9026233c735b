import { randomBytes, randomUUID } from 'node:crypto';
import { type DownlinkRequest } from '@smartcity/platform-contracts';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis } from '@smartcity/platform-redis';
import { DownlinkQueue } from './downlink-queue';

/** The shared downlink queue against the local stack's Redis, under a prefix of its own. */
describe('DownlinkQueue (Redis)', () => {
  const prefix = `test:dlq:${randomBytes(4).toString('hex')}:`;
  const redis = createRedis({
    url: 'redis://127.0.0.1:6379',
    logger: createLogger({ app: 'test', level: 'silent' }),
    name: 'downlink-queue-test',
  });
  const queue = new DownlinkQueue(redis, prefix);
  const request = (endpoint: string, deadlineInMs = 60_000): DownlinkRequest => ({
    v: 1,
    id: randomUUID(),
    tenant: 'lyon',
    endpoint,
    operation: { op: 'execute', path: '/3/0/4' },
    issuedAt: Date.now(),
    deadline: Date.now() + deadlineInMs,
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await closeRedis(redis);
  });

  it('keeps the trace context queued with a request (tracing), and a request without one has none', async () => {
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const traced = { ...request('ep-traced'), trace: { traceparent, tracestate: 'vendor=1' } };
    expect(await queue.enqueue(traced)).toBe(true);
    const taken = await queue.takeNext('ep-traced');
    expect(taken?.trace).toEqual({ traceparent, tracestate: 'vendor=1' });
    const plain = request('ep-untraced');
    expect(await queue.enqueue(plain)).toBe(true);
    const untraced = await queue.takeNext('ep-untraced');
    expect(untraced).toEqual(plain);
    expect(untraced && 'trace' in untraced).toBe(false);
  });

  it('does not queue a command again once it was taken for execution (Kafka redelivery after a rebalance)', async () => {
    const r = request('ep-redelivered');
    expect(await queue.enqueue(r)).toBe(true);
    expect((await queue.takeNext(r.endpoint))?.id).toBe(r.id);
    // The offset was not committed before the rebalance: another instance consumes the same record again.
    expect(await queue.enqueue(r)).toBe(false);
    expect(await queue.takeNext(r.endpoint)).toBeUndefined();
  });

  it('does not queue a command again once it expired in the queue', async () => {
    const r = request('ep-expired', 50);
    expect(await queue.enqueue(r)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await queue.takeExpired(Date.now(), 10)).map((x) => x.id)).toContain(r.id);
    expect(await queue.enqueue(r)).toBe(false);
  });

  it('keeps the guard of a command id beyond its deadline', async () => {
    const r = request('ep-guard', 10 * 60_000);
    await queue.enqueue(r);
    await queue.takeNext(r.endpoint);
    const ttlMs = await redis.pttl(`${prefix}dl:seen:${r.id}`);
    expect(ttlMs).toBeGreaterThan(r.deadline - Date.now());
  });

  it('gives a request whose owner went away back to the queue, once', async () => {
    const r = request('ep-requeue');
    await queue.enqueue(r);
    const taken = (await queue.takeNext(r.endpoint))!;
    await queue.requeueHead(taken);
    expect(await queue.enqueue(r)).toBe(false);
    expect((await queue.takeNext(r.endpoint))?.id).toBe(r.id);
    expect(await queue.takeNext(r.endpoint)).toBeUndefined();
  });
});
