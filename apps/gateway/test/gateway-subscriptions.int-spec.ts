import Redis from 'ioredis';
import { type RunningGateway, startGateway } from './support/gateway-process';
import { type DemoUser, tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';
import { TEST_ENV } from './support/test-env.config';
import { TestSubscriber } from './support/ws-subscriber';

jest.setTimeout(120_000);

const REDIS_URL = TEST_ENV.redisUrl;

interface StateData {
  deviceStateChanged: {
    deviceId: string;
    values: { path: string; valueNum: number | null; metric: string }[];
  };
}
interface AlarmData {
  alarmChanged: { kind: string; alarm: { id: string; type: string; device: { id: string } | null } };
}

const STATE_SUB = `subscription($deviceId: ID, $category: String) {
  deviceStateChanged(deviceId: $deviceId, category: $category) { deviceId values { path metric valueNum } } }`;

/**
 * Live updates through graphql-ws, fed by the same Redis channels and message shapes the decoder publishes
 * (apps/decoder/src/publish/live-publisher.ts: `tenant:<slug>:state` LiveStateMessage, `tenant:<slug>:alarms`
 * AlarmEvent).
 */
describe('GraphQL subscriptions fed by the decoder Redis channels', () => {
  let gateway: RunningGateway;
  let seed: Seed;
  let redis: Redis;
  const subscribers: TestSubscriber<never>[] = [];

  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway(), seedCities()]);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    redis?.disconnect();
    await seed?.cleanup();
    await gateway?.stop();
  });

  const subscribe = async <T>(user: DemoUser, query: string, variables: Record<string, unknown> = {}) => {
    const s = new TestSubscriber<T>(gateway.url, { authorization: `Bearer ${await tokenOf(user)}` }).start(
      query,
      variables,
    );
    subscribers.push(s as TestSubscriber<never>);
    return s;
  };

  const stateMessage = (tenant: string, deviceId: string, value: number) =>
    JSON.stringify({
      v: 1,
      tenant,
      deviceId,
      values: [
        {
          path: '/3424/0/1',
          metric: 'water_meter.cumulated_water_volume',
          time: new Date().toISOString(),
          value,
          unit: 'm3',
        },
      ],
    });

  /** Publishes warm-up values until the subscriber shows it is registered (pub/sub drops messages sent before). */
  const warmUp = async (s: TestSubscriber<StateData>, tenant: string, deviceId: string) => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      await redis.publish(`tenant:${tenant}:state`, stateMessage(tenant, deviceId, -1));
      try {
        await s.waitFor((d) => d?.deviceStateChanged.values[0]?.valueNum === -1, 250);
        return;
      } catch {
        // not subscribed yet
      }
    }
    throw new Error('subscription never became active');
  };

  it('delivers a value published for a lyon device within 2 s, and nothing to a porto subscriber', async () => {
    const lyon = await subscribe<StateData>('lyon-operator', STATE_SUB, {
      deviceId: seed.lyon.waterDeviceId,
    });
    const porto = await subscribe<StateData>('porto-operator', STATE_SUB);
    await warmUp(lyon, 'lyon', seed.lyon.waterDeviceId);
    await warmUp(porto, 'porto', seed.porto.waterDeviceId);
    const portoBefore = porto.messages.length;

    const sentAt = Date.now();
    await redis.publish('tenant:lyon:state', stateMessage('lyon', seed.lyon.waterDeviceId, 4242.5));
    const got = await lyon.waitFor((d) => d?.deviceStateChanged.values[0]?.valueNum === 4242.5, 2000);
    expect(got.at - sentAt).toBeLessThan(2000);
    expect(got.data?.deviceStateChanged).toEqual({
      deviceId: seed.lyon.waterDeviceId,
      values: [{ path: '/3424/0/1', metric: 'water_meter.cumulated_water_volume', valueNum: 4242.5 }],
    });

    await new Promise((r) => setTimeout(r, 1000));
    // Other suites' simulated porto devices may publish meanwhile: none of lyon's values may appear.
    const leaked = porto.messages
      .slice(portoBefore)
      .filter((m) => m.data?.deviceStateChanged.deviceId === seed.lyon.waterDeviceId);
    expect(leaked).toEqual([]);
  });

  it('does not deliver a message whose body names another tenant than its channel', async () => {
    const lyon = await subscribe<StateData>('lyon-admin', STATE_SUB);
    await warmUp(lyon, 'lyon', seed.lyon.waterDeviceId);
    const before = lyon.messages.length;
    await redis.publish('tenant:lyon:state', stateMessage('porto', seed.porto.waterDeviceId, 7));
    await new Promise((r) => setTimeout(r, 1000));
    const leaked = lyon.messages
      .slice(before)
      .filter((m) => m.data?.deviceStateChanged.deviceId === seed.porto.waterDeviceId);
    expect(leaked).toEqual([]);
  });

  it('gives a water utility the water device and not the lamp', async () => {
    const utility = await subscribe<StateData>('lyon-utility-water', STATE_SUB);
    await warmUp(utility, 'lyon', seed.lyon.waterDeviceId);
    const before = utility.messages.length;
    await redis.publish('tenant:lyon:state', stateMessage('lyon', seed.lyon.lampDeviceId, 55));
    await redis.publish('tenant:lyon:state', stateMessage('lyon', seed.lyon.waterDeviceId, 56));
    await utility.waitFor((d) => d?.deviceStateChanged.values[0]?.valueNum === 56, 2000);
    const seen = utility.messages.slice(before).map((m) => m.data?.deviceStateChanged.deviceId);
    expect(seen).toContain(seed.lyon.waterDeviceId);
    expect(seen).not.toContain(seed.lyon.lampDeviceId);
  });

  it('delivers alarm changes with the alarm device resolved, to the alarm tenant only', async () => {
    const query = 'subscription { alarmChanged { kind alarm { id type device { id } } } }';
    const lyon = await subscribe<AlarmData>('lyon-viewer', query);
    const porto = await subscribe<AlarmData>('porto-viewer', query);
    const event = (id: string) =>
      JSON.stringify({
        id: `evt-${id}`,
        type: 'alarm.raised',
        tenant: 'lyon',
        deviceId: seed.lyon.waterDeviceId,
        time: new Date().toISOString(),
        alarm: {
          id,
          type: 'water.leak',
          severity: 'MAJOR',
          status: 'ACTIVE',
          message: 'leak',
          path: '/3424/0/10',
          raisedAt: new Date().toISOString(),
          clearedAt: null,
          details: {},
        },
      });
    // Warm up until lyon receives, then check porto got none of it.
    const deadline = Date.now() + 20_000;
    for (;;) {
      await redis.publish('tenant:lyon:alarms', event(seed.lyon.alarmId));
      try {
        await lyon.waitFor((d) => d?.alarmChanged.alarm.id === seed.lyon.alarmId, 250);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error('alarm subscription never became active');
      }
    }
    expect(
      lyon.messages.find((m) => m.data?.alarmChanged.alarm.id === seed.lyon.alarmId)?.data?.alarmChanged,
    ).toEqual({
      kind: 'RAISED',
      alarm: { id: seed.lyon.alarmId, type: 'water.leak', device: { id: seed.lyon.waterDeviceId } },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(porto.messages.filter((m) => m.data?.alarmChanged.alarm.id === seed.lyon.alarmId)).toEqual([]);
  });

  it.each([
    ['without a token', undefined, STATE_SUB, {}, 'UNAUTHENTICATED'],
    [
      'for a device of another city',
      'lyon-operator' as DemoUser,
      STATE_SUB,
      { deviceId: 'porto' },
      'NOT_FOUND',
    ],
    [
      'for a category outside a utility domain',
      'lyon-utility-water' as DemoUser,
      STATE_SUB,
      { category: 'lighting' },
      'FORBIDDEN',
    ],
    [
      'nested deeper than the depth limit',
      'lyon-viewer' as DemoUser,
      'subscription { alarmChanged { alarm { device { activeAlarms { device { activeAlarms { device { activeAlarms { device { activeAlarms { id } } } } } } } } } } }',
      {},
      'GRAPHQL_VALIDATION_FAILED',
    ],
  ])('refuses a subscription %s', async (_n, user, query, variables, code) => {
    const params: Record<string, string> = user ? { authorization: `Bearer ${await tokenOf(user)}` } : {};
    const vars = { ...variables } as Record<string, unknown>;
    if (vars['deviceId'] === 'porto') vars['deviceId'] = seed.porto.waterDeviceId;
    const s = new TestSubscriber(gateway.url, params).start(query, vars);
    subscribers.push(s as TestSubscriber<never>);
    const errors = await s.waitForError(5000);
    expect(JSON.stringify(errors)).toContain(code);
  });
});
