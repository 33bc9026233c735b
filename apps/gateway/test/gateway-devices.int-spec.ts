import { DEVICE_DIRECTORY_CACHE_PREFIX } from '@smartcity/platform-redis';
import Redis from 'ioredis';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';
import { TEST_ENV } from './support/test-env.config';

jest.setTimeout(120_000);

/** What the queries and mutations return, on the seeded data of one run. */
describe('device queries and provisioning', () => {
  let gateway: RunningGateway;
  let seed: Seed;
  let redis: Redis;
  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway(), seedCities()]);
    redis = new Redis(TEST_ENV.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await seed?.cleanup();
    await gateway?.stop();
  });
  const admin = async () => ({ token: await tokenOf('lyon-admin') });

  it('returns a device with registration info and its state grouped by object instance, named from the models', async () => {
    const result = await gql(
      gateway,
      `query($id: ID!) { device(id: $id) { endpoint category online location { latitude }
        registration { lwm2mVersion binding lifetime objects { objectId version name } }
        state { objectId instanceId objectName objectVersion resources { path resourceId name metric valueNum valueBool unit } } } }`,
      { id: seed.lyon.waterDeviceId },
      await admin(),
    );
    expect(result.errors).toEqual([]);
    expect(result.data?.['device']).toEqual({
      endpoint: seed.lyon.waterEndpoint,
      category: 'water',
      online: true,
      location: { latitude: 45.75 },
      registration: {
        lwm2mVersion: '1.1',
        binding: 'U',
        lifetime: 300,
        objects: [
          { objectId: 3, version: '1.1', name: 'Device' },
          { objectId: 3424, version: '1.1', name: 'Water meter' },
        ],
      },
      state: [
        {
          objectId: 3424,
          instanceId: 0,
          objectName: 'Water meter',
          objectVersion: '1.1',
          resources: [
            {
              path: '/3424/0/1',
              resourceId: 1,
              name: 'Cumulated water volume',
              metric: 'water_meter.cumulated_water_volume',
              valueNum: 1234.5,
              valueBool: null,
              unit: 'm3',
            },
            {
              path: '/3424/0/10',
              resourceId: 10,
              name: 'Leak detected',
              metric: 'water_meter.leak_detected',
              valueNum: null,
              valueBool: true,
              unit: null,
            },
          ],
        },
      ],
    });
  });

  it('buckets telemetry with time_bucket and the requested aggregate', async () => {
    const now = Date.now();
    const query = `query($id: ID!, $from: DateTime!, $to: DateTime!, $agg: Aggregate!) {
      telemetry(deviceId: $id, metric: "water_meter.cumulated_water_volume", from: $from, to: $to, bucket: "1d", aggregate: $agg) {
        unit points { value count } } }`;
    const vars = (agg: string) => ({
      id: seed.lyon.waterDeviceId,
      from: new Date(now - 2 * 86_400_000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
      agg,
    });
    const series = async (agg: string) =>
      (
        await gql<{ telemetry: { unit: string; points: { value: number; count: number }[] } }>(
          gateway,
          query,
          vars(agg),
          await admin(),
        )
      ).data?.telemetry;
    // 18 readings 1200.5 .. 1234.5 (step 2) over the last 3 h: at most two daily buckets.
    const count = await series('COUNT');
    expect(count?.unit).toBe('m3');
    expect(count?.points.reduce((a, p) => a + p.count, 0)).toBe(18);
    const max = await series('MAX');
    expect(Math.max(...max!.points.map((p) => p.value))).toBe(1234.5);
    const min = await series('MIN');
    expect(Math.min(...min!.points.map((p) => p.value))).toBe(1200.5);
  });

  it('pages through devices with opaque cursors and filters by category, object, status and bounding box', async () => {
    const token = await admin();
    const page = async (after: string | null) =>
      (
        await gql<{
          devices: {
            edges: { cursor: string; node: { endpoint: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }>(
          gateway,
          'query($q: String!, $after: String) { devices(first: 1, after: $after, filter: { search: $q }) { edges { cursor node { endpoint } } pageInfo { hasNextPage endCursor } } }',
          { q: `gwt-${seed.run}-lyon`, after },
          token,
        )
      ).data!.devices;
    const first = await page(null);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([first.edges[0]!.node.endpoint, second.edges[0]!.node.endpoint].sort()).toEqual([
      `gwt-${seed.run}-lyon-lamp`,
      `gwt-${seed.run}-lyon-water`,
    ]);
    const filtered = async (filter: Record<string, unknown>) =>
      (
        await gql<{ devices: { edges: { node: { endpoint: string } }[] } }>(
          gateway,
          'query($f: DeviceFilter) { devices(first: 50, filter: $f) { edges { node { endpoint } } } }',
          { f: { search: `gwt-${seed.run}-lyon`, ...filter } },
          token,
        )
      ).data!.devices.edges.map((e) => e.node.endpoint);
    expect(await filtered({ category: 'lighting' })).toEqual([`gwt-${seed.run}-lyon-lamp`]);
    expect(await filtered({ objectId: 3424 })).toEqual([`gwt-${seed.run}-lyon-water`]);
    expect(await filtered({ status: 'ALARM' })).toEqual([`gwt-${seed.run}-lyon-water`]);
    expect(await filtered({ status: 'OFFLINE' })).toEqual([]);
    expect(
      await filtered({ bbox: { minLatitude: 0, minLongitude: 0, maxLatitude: 10, maxLongitude: 10 } }),
    ).toEqual([]);
    const bad = await gql(gateway, '{ devices(after: "garbage") { edges { cursor } } }', {}, token);
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it("computes KPIs from the latest state and today's telemetry", async () => {
    const result = await gql<{
      kpis: { water: { activeLeaks: number; metersTotal: number }; lighting: { lampsOn: number } };
    }>(
      gateway,
      '{ kpis { water { activeLeaks metersTotal volumeTodayM3 } lighting { lampsTotal lampsOn lampsFailed } } }',
      {},
      await admin(),
    );
    expect(result.errors).toEqual([]);
    // Other suites may have lyon devices too: the seeded ones are a lower bound.
    expect(result.data!.kpis.water.activeLeaks).toBeGreaterThanOrEqual(1);
    expect(result.data!.kpis.lighting.lampsOn).toBeGreaterThanOrEqual(1);
  });

  it('provisions one and many devices, reports taken endpoints, and drops the ingest cache entries', async () => {
    const token = await admin();
    const endpoint = `gwt-${seed.run}-new-1`;
    await redis.set(DEVICE_DIRECTORY_CACHE_PREFIX + endpoint, 'null', 'EX', 60); // a negative cache entry
    const one = await gql(
      gateway,
      'mutation($e: String!) { provisionDevice(input: { endpoint: $e, name: "n1", category: "parking", location: { latitude: 45.7, longitude: 4.8 } }) { id endpoint category location { longitude } } }',
      { e: endpoint },
      token,
    );
    expect(one.errors).toEqual([]);
    expect(one.data?.['provisionDevice']).toMatchObject({
      endpoint,
      category: 'parking',
      location: { longitude: 4.8 },
    });
    expect(await redis.exists(DEVICE_DIRECTORY_CACHE_PREFIX + endpoint)).toBe(0);

    const bulk = await gql<{
      provisionDevices: { created: { endpoint: string }[]; skipped: { endpoint: string; reason: string }[] };
    }>(
      gateway,
      'mutation($d: [ProvisionDeviceInput!]!) { provisionDevices(devices: $d) { created { endpoint } skipped { endpoint reason } } }',
      {
        d: [
          { endpoint: `gwt-${seed.run}-new-2` },
          { endpoint: `gwt-${seed.run}-new-2` },
          { endpoint },
          { endpoint: seed.porto.waterEndpoint },
        ],
      },
      token,
    );
    expect(bulk.data?.provisionDevices.created).toEqual([{ endpoint: `gwt-${seed.run}-new-2` }]);
    expect(bulk.data?.provisionDevices.skipped).toEqual([
      { endpoint: `gwt-${seed.run}-new-2`, reason: 'DUPLICATE_IN_REQUEST' },
      { endpoint, reason: 'ENDPOINT_TAKEN' },
      { endpoint: seed.porto.waterEndpoint, reason: 'ENDPOINT_TAKEN' },
    ]);
    const invalid = await gql(
      gateway,
      'mutation { provisionDevice(input: { endpoint: " x", category: "Not Valid" }) { id } }',
      {},
      token,
    );
    expect(codesOf(invalid)).toEqual(['BAD_USER_INPUT']);
  });

  it('updates and decommissions a device, invalidating its cache entry', async () => {
    const token = await admin();
    const created = await gql<{ provisionDevice: { id: string } }>(
      gateway,
      'mutation($e: String!) { provisionDevice(input: { endpoint: $e }) { id } }',
      { e: `gwt-${seed.run}-upd` },
      token,
    );
    const id = created.data!.provisionDevice.id;
    const updated = await gql(
      gateway,
      'mutation($id: ID!) { updateDevice(id: $id, input: { name: "Pump 7", attributes: { floor: 2 } }) { name attributes } }',
      { id },
      token,
    );
    expect(updated.data?.['updateDevice']).toEqual({ name: 'Pump 7', attributes: { floor: 2 } });
    await redis.set(DEVICE_DIRECTORY_CACHE_PREFIX + `gwt-${seed.run}-upd`, '{"tenantId":"lyon"}', 'EX', 60);
    const gone = await gql(
      gateway,
      'mutation($id: ID!) { decommissionDevice(id: $id) { online decommissionedAt } }',
      { id },
      token,
    );
    expect(gone.data?.['decommissionDevice']).toMatchObject({
      online: false,
      decommissionedAt: expect.any(String),
    });
    expect(await redis.exists(DEVICE_DIRECTORY_CACHE_PREFIX + `gwt-${seed.run}-upd`)).toBe(0);
    const list = await gql(
      gateway,
      'query($q: String!) { devices(filter: { search: $q }) { edges { node { id } } } }',
      { q: `gwt-${seed.run}-upd` },
      token,
    );
    expect(list.data).toEqual({ devices: { edges: [] } });
  });

  it('acknowledges and clears an alarm, recording who acknowledged it', async () => {
    const token = { token: await tokenOf('lyon-operator') };
    const ack = await gql(
      gateway,
      'mutation($id: ID!) { acknowledgeAlarm(id: $id) { acknowledgedBy status } }',
      { id: seed.lyon.alarmId },
      token,
    );
    expect(ack.data?.['acknowledgeAlarm']).toEqual({ acknowledgedBy: 'lyon-operator', status: 'ACTIVE' });
    const clear = await gql(
      gateway,
      'mutation($id: ID!) { clearAlarm(id: $id) { status clearedAt } }',
      { id: seed.lyon.alarmId },
      token,
    );
    expect(clear.data?.['clearAlarm']).toMatchObject({ status: 'CLEARED', clearedAt: expect.any(String) });
    const active = await gql(
      gateway,
      'query($id: ID!) { alarms(filter: { deviceId: $id, status: ACTIVE }) { edges { node { id } } } }',
      { id: seed.lyon.waterDeviceId },
      token,
    );
    expect(active.data).toEqual({ alarms: { edges: [] } });
  });
});
