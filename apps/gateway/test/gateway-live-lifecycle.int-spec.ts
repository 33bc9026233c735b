import Redis from 'ioredis';
import { type RunningGateway, startGateway } from './support/gateway-process';
import { shortLivedClient, tokenOf } from './support/keycloak-tokens';
import { RawWsClient } from './support/raw-ws';
import { type Seed, seedCities } from './support/seed';
import { TEST_ENV } from './support/test-env.config';

jest.setTimeout(180_000);

const STATE = 'subscription { deviceStateChanged { deviceId values { path valueNum } } }';

const metric = async (gateway: RunningGateway, name: string): Promise<number> => {
  const text = await (await fetch(`${gateway.opsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
};

/**
 * Issue 17 item 3: subscriptions end with their token, unauthenticated connections are refused after the init
 * timeout, connections per user and subscriptions per connection are limited, slow consumers are dropped.
 */
describe('graphql-ws connection lifecycle', () => {
  let gateway: RunningGateway;
  let seed: Seed;
  let redis: Redis;
  let shortLived: Awaited<ReturnType<typeof shortLivedClient>>;
  const clients: RawWsClient[] = [];
  const client = () => {
    const c = new RawWsClient(gateway.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    [gateway, seed, shortLived] = await Promise.all([
      startGateway({
        LIVE_INIT_TIMEOUT_MS: '1500',
        LIVE_MAX_CONNECTIONS_PER_USER: '2',
        LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
        LIVE_QUEUE_CAPACITY: '20',
        OIDC_CLOCK_TOLERANCE_SEC: '0',
      }),
      seedCities(),
      shortLivedClient(8),
    ]);
    redis = new Redis(TEST_ENV.redisUrl);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    redis?.disconnect();
    await shortLived?.remove();
    await seed?.cleanup();
    await gateway?.stop();
  });

  it('closes a connection that sends no connection_init within the timeout (4408)', async () => {
    const c = client();
    await c.send({ type: 'ping' });
    expect(await c.closed(5_000)).toBe(4408);
  });

  it('answers UNAUTHENTICATED to a connection with bad credentials, then closes it at the timeout (4401)', async () => {
    const c = client();
    await c.init({ authorization: 'Bearer not-a-token' });
    await c.subscribe('1', STATE);
    const error = await c.waitFor((f) => f.type === 'error', 5_000);
    expect(JSON.stringify(error.payload)).toContain('UNAUTHENTICATED');
    expect(await c.closed(5_000)).toBe(4401);
  });

  it('closes the connection when its token expires (4401)', async () => {
    const c = client();
    const started = Date.now();
    await c.init({ authorization: `Bearer ${await shortLived.token('lyon-viewer')}` });
    await c.subscribe('1', STATE);
    await new Promise((r) => setTimeout(r, 500));
    expect(c.frames.filter((f) => f.type === 'error')).toEqual([]); // a valid subscription until then
    expect(await c.closed(15_000)).toBe(4401);
    expect(c.closeReason).toMatch(/expired/);
    expect(Date.now() - started).toBeGreaterThan(4_000);
  });

  it('keeps the connection past the first expiry when a refreshed token arrives in a ping', async () => {
    const c = client();
    const started = Date.now();
    await c.init({ authorization: `Bearer ${await shortLived.token('lyon-viewer')}` });
    await c.subscribe('1', STATE);
    await new Promise((r) => setTimeout(r, 4_000));
    await c.send({
      type: 'ping',
      payload: { authorization: `Bearer ${await shortLived.token('lyon-viewer')}` },
    });
    await new Promise((r) => setTimeout(r, 6_000));
    expect(c.closeCode).toBeUndefined(); // past the first token's 8 s
    expect(await c.closed(10_000)).toBe(4401);
    expect(Date.now() - started).toBeGreaterThan(11_000);
    expect(await metric(gateway, 'gateway_live_token_refreshes_total')).toBeGreaterThanOrEqual(1);
  });

  it('closes a refresh that names another user (4403)', async () => {
    const c = client();
    await c.init({ authorization: `Bearer ${await tokenOf('porto-viewer')}` });
    await c.send({ type: 'ping', payload: { authorization: `Bearer ${await tokenOf('porto-operator')}` } });
    expect(await c.closed(5_000)).toBe(4403);
  });

  it('limits connections per user (4429) and subscriptions per connection', async () => {
    const token = await tokenOf('porto-admin');
    const [a, b, third] = [client(), client(), client()];
    await a.init({ authorization: `Bearer ${token}` });
    await b.init({ authorization: `Bearer ${token}` });
    await third.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    expect(await third.closed(5_000)).toBe(4429);

    await a.subscribe('1', STATE);
    await a.subscribe('2', STATE);
    await a.subscribe('3', STATE);
    const refused = await a.waitFor((f) => f.type === 'error' && f.id === '3', 5_000);
    expect(JSON.stringify(refused.payload)).toContain('RATE_LIMITED');
    // Ending one subscription frees its place on the connection.
    await a.send({ id: '1', type: 'complete' });
    await new Promise((r) => setTimeout(r, 300));
    await a.subscribe('4', STATE);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.frames.filter((f) => f.type === 'error' && f.id === '4')).toEqual([]);
  });

  it('drops a consumer that stops reading, and counts it', async () => {
    const before = await metric(gateway, 'gateway_live_slow_consumers_dropped_total');
    const c = client();
    await c.init({ authorization: `Bearer ${await tokenOf('lyon-admin')}` });
    await c.subscribe('1', STATE);
    // Wait until the subscription is live, then stop reading.
    const value = (n: number) =>
      JSON.stringify({
        v: 1,
        tenant: 'lyon',
        deviceId: seed.lyon.waterDeviceId,
        values: Array.from({ length: 50 }, (_, i) => ({
          path: `/3424/0/${i}`,
          metric: `m.${'x'.repeat(200)}.${i}`,
          time: new Date().toISOString(),
          value: n,
          unit: 'm3',
        })),
      });
    for (let i = 0; ; i++) {
      await redis.publish('tenant:lyon:state', value(-1));
      if (c.frames.some((f) => f.type === 'next')) break;
      if (i > 100) throw new Error('subscription never became active');
      await new Promise((r) => setTimeout(r, 100));
    }
    c.pauseReading();
    for (let i = 0; i < 3000; i++) await redis.publish('tenant:lyon:state', value(i));
    const deadline = Date.now() + 20_000;
    while ((await metric(gateway, 'gateway_live_slow_consumers_dropped_total')) <= before) {
      if (Date.now() > deadline) throw new Error('slow consumer never dropped');
      await new Promise((r) => setTimeout(r, 200));
    }
    c.resumeReading();
    expect([1008, 1006]).toContain(await c.closed(10_000));
  });
});
