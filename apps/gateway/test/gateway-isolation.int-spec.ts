import { codesOf, gql, type GqlResult, type RunningGateway, startGateway } from './support/gateway-process';
import { type DemoUser, tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';

jest.setTimeout(120_000);

/**
 * Cross-tenant probes (the ThingsBoard #16136 class of bug): a user of one city asks, with ids of the other city,
 * every query, field and mutation that touches tenant data. The answer must be FORBIDDEN, NOT_FOUND or nothing, and
 * the other city's data must not appear anywhere in the response.
 */
describe('tenant isolation: lyon users probing porto ids', () => {
  let gateway: RunningGateway;
  let seed: Seed;
  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway(), seedCities()]);
  });
  afterAll(async () => {
    await seed?.cleanup();
    await gateway?.stop();
  });

  const day = () => ({
    from: new Date(Date.now() - 86_400_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
  });

  type Probe = readonly [string, string, (s: Seed) => Record<string, unknown>, (r: GqlResult) => void];
  const nothing = (key: string) => (r: GqlResult) => {
    expect(r.errors).toEqual([]);
    expect(r.data?.[key]).toBeNull();
  };
  const refused =
    (...codes: string[]) =>
    (r: GqlResult) => {
      expect(codes).toContain(codesOf(r).join(','));
      expect(r.data).toBeNull();
    };
  const emptyEdges = (key: string) => (r: GqlResult) => {
    expect(r.errors).toEqual([]);
    expect((r.data?.[key] as { edges: unknown[] }).edges).toEqual([]);
  };

  const PROBES: Probe[] = [
    [
      'device(id)',
      'query($id: ID!) { device(id: $id) { id endpoint } }',
      (s) => ({ id: s.porto.waterDeviceId }),
      nothing('device'),
    ],
    [
      'device(id) with state, registration and alarms fields',
      'query($id: ID!) { device(id: $id) { state { objectId } registration { endpoint } activeAlarms { id } } }',
      (s) => ({ id: s.porto.waterDeviceId }),
      nothing('device'),
    ],
    [
      'telemetry of a porto device',
      'query($id: ID!, $from: DateTime!, $to: DateTime!) { telemetry(deviceId: $id, metric: "water_meter.cumulated_water_volume", from: $from, to: $to) { points { value } } }',
      (s) => ({ id: s.porto.waterDeviceId, ...day() }),
      refused('NOT_FOUND'),
    ],
    [
      'telemetry by path of a porto device',
      'query($id: ID!, $from: DateTime!, $to: DateTime!) { telemetry(deviceId: $id, path: "/3424/0/1", from: $from, to: $to) { points { value } } }',
      (s) => ({ id: s.porto.waterDeviceId, ...day() }),
      refused('NOT_FOUND'),
    ],
    [
      'alarms filtered by a porto device',
      'query($id: ID!) { alarms(filter: { deviceId: $id }) { edges { node { id } } } }',
      (s) => ({ id: s.porto.waterDeviceId }),
      emptyEdges('alarms'),
    ],
    [
      'devices searched by the porto endpoint',
      'query($q: String!) { devices(filter: { search: $q }) { edges { node { id } } } }',
      (s) => ({ q: s.porto.waterEndpoint }),
      emptyEdges('devices'),
    ],
    ['tenant(porto)', '{ tenant(id: "porto") { id name } }', () => ({}), nothing('tenant')],
    [
      'acknowledgeAlarm of a porto alarm',
      'mutation($id: ID!) { acknowledgeAlarm(id: $id) { id } }',
      (s) => ({ id: s.porto.alarmId }),
      refused('NOT_FOUND', 'FORBIDDEN'),
    ],
    [
      'clearAlarm of a porto alarm',
      'mutation($id: ID!) { clearAlarm(id: $id) { id } }',
      (s) => ({ id: s.porto.alarmId }),
      refused('NOT_FOUND', 'FORBIDDEN'),
    ],
    [
      'updateDevice of a porto device',
      'mutation($id: ID!) { updateDevice(id: $id, input: { name: "pwned" }) { id } }',
      (s) => ({ id: s.porto.waterDeviceId }),
      refused('NOT_FOUND', 'FORBIDDEN'),
    ],
    [
      'decommissionDevice of a porto device',
      'mutation($id: ID!) { decommissionDevice(id: $id) { id } }',
      (s) => ({ id: s.porto.waterDeviceId }),
      refused('NOT_FOUND', 'FORBIDDEN'),
    ],
    [
      'provisionDevice reusing a porto endpoint',
      'mutation($e: String!) { provisionDevice(input: { endpoint: $e }) { id } }',
      (s) => ({ e: s.porto.waterEndpoint }),
      refused('BAD_USER_INPUT', 'FORBIDDEN'),
    ],
  ];

  const USERS: DemoUser[] = ['lyon-admin', 'lyon-operator', 'lyon-viewer', 'lyon-utility-water'];
  const cases = PROBES.flatMap((p) => USERS.map((u) => [p[0], u, p] as const));

  it.each(cases)('%s as %s yields nothing of porto', async (_n, user, [, query, vars, check]) => {
    const result = await gql(gateway, query, vars(seed), { token: await tokenOf(user) });
    check(result);
    const text = JSON.stringify(result);
    for (const id of [
      seed.porto.waterDeviceId,
      seed.porto.lampDeviceId,
      seed.porto.alarmId,
      seed.porto.waterEndpoint,
    ]) {
      expect(text).not.toContain(id);
    }
  });

  it('leaves porto data unchanged after the probes', async () => {
    const { rows } = await seed.owner.query(
      `SELECT d.name, d.decommissioned_at, a.acknowledged_at, a.status FROM devices d JOIN alarms a ON a.device_id = d.id
       WHERE d.id = $1`,
      [seed.porto.waterDeviceId],
    );
    expect(rows).toEqual([
      { name: 'porto water', decommissioned_at: null, acknowledged_at: null, status: 'ACTIVE' },
    ]);
  });

  it('lists only lyon devices, alarms and KPIs to a lyon user', async () => {
    const token = await tokenOf('lyon-admin');
    const devices = await gql<{ devices: { edges: { node: { endpoint: string } }[] } }>(
      gateway,
      'query($q: String!) { devices(first: 500, filter: { search: $q }) { edges { node { endpoint } } } }',
      { q: `gwt-${seed.run}` },
      { token },
    );
    expect(devices.data?.devices.edges.map((e) => e.node.endpoint).sort()).toEqual([
      `gwt-${seed.run}-lyon-lamp`,
      `gwt-${seed.run}-lyon-water`,
    ]);
    const alarms = await gql(
      gateway,
      '{ alarms(first: 500) { edges { node { id deviceId } } } }',
      {},
      { token },
    );
    expect(JSON.stringify(alarms.data)).toContain(seed.lyon.alarmId);
    expect(JSON.stringify(alarms.data)).not.toContain(seed.porto.alarmId);
  });

  it('refuses to switch a lyon user to porto with the tenant header', async () => {
    const result = await gql(
      gateway,
      '{ devices { edges { node { id } } } }',
      {},
      {
        token: await tokenOf('lyon-admin'),
        tenant: 'porto',
      },
    );
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
  });

  it('shows the platform admin porto only when porto is selected', async () => {
    const token = await tokenOf('platform-admin');
    const asLyon = await gql(
      gateway,
      'query($id: ID!) { device(id: $id) { id } }',
      { id: seed.porto.waterDeviceId },
      {
        token,
        tenant: 'lyon',
      },
    );
    expect(asLyon.data).toEqual({ device: null });
    const asPorto = await gql(
      gateway,
      'query($id: ID!) { device(id: $id) { id } }',
      { id: seed.porto.waterDeviceId },
      {
        token,
        tenant: 'porto',
      },
    );
    expect(asPorto.data).toEqual({ device: { id: seed.porto.waterDeviceId } });
  });
});
