import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  codesOf,
  gql,
  type GqlResult,
  type RunningGateway,
  startGateway,
} from '../../test/support/gateway-process';
import { type DemoUser, tokenOf } from '../../test/support/keycloak-tokens';
import { TEST_ENV } from '../../test/support/test-env.config';

// District metered areas through the real gateway (real Keycloak tokens of the demo users, real PostgreSQL with
// row-level security). Fixture per run, written as the owner: water meters of lyon inside and outside a square,
// a lamp and a decommissioned meter inside it, and porto meters at the very same positions.

const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [4.8, 45.7],
      [4.9, 45.7],
      [4.9, 45.8],
      [4.8, 45.8],
      [4.8, 45.7],
    ],
  ],
};

const AREA_FIELDS = `id name inletDeviceId memberDeviceIds membership polygon nightFlowRiseRatio lossRateRisePoints
  recomputePending updatedAt`;
const CREATE = `mutation($input: CreateWaterAreaInput!) { createWaterArea(input: $input) { ${AREA_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWaterAreaInput!) {
  updateWaterArea(id: $id, input: $input) { ${AREA_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteWaterArea(id: $id) { id } }';
const GET = `query($id: ID!) { waterArea(id: $id) { ${AREA_FIELDS} } }`;
const LIST = '{ waterAreas { id name } }';
const BALANCE = `query($id: ID!, $from: String!, $to: String!) { waterBalance(areaId: $id, from: $from, to: $to) {
  areaId from to days { day inflowM3 billedM3 nrwM3 nrwPct minNightFlowM3h metersReporting metersTotal } } }`;

interface AreaOut {
  id: string;
  name: string;
  inletDeviceId: string;
  memberDeviceIds: string[];
  membership: string;
  polygon: unknown;
  nightFlowRiseRatio: number | null;
  lossRateRisePoints: number | null;
  recomputePending: boolean;
  updatedAt: string;
}

jest.setTimeout(120_000);

describe('water areas (GraphQL, real gateway)', () => {
  const run = randomBytes(4).toString('hex');
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  let gateway: RunningGateway;
  const ids: string[] = [];
  const dev: Record<string, string> = {};

  const as = async <T = Record<string, unknown>>(
    user: DemoUser,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlResult<T>> => gql<T>(gateway, query, variables, { token: await tokenOf(user) });

  const device = async (
    tenant: string,
    key: string,
    category: string,
    lat: number | null,
    lon: number | null,
    objects: Record<string, string>,
    decommissioned = false,
  ) => {
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO devices (tenant_id, endpoint, name, category, latitude, longitude, object_versions,
                            decommissioned_at)
       VALUES ($1, $2, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        tenant,
        `gwt-${run}-${key}`,
        category,
        lat,
        lon,
        JSON.stringify(objects),
        decommissioned ? new Date() : null,
      ],
    );
    ids.push(rows[0]!.id);
    dev[key] = rows[0]!.id;
  };

  beforeAll(async () => {
    await owner.query(
      `INSERT INTO tenants (id, name) VALUES ('lyon', 'Lyon'), ('porto', 'Porto') ON CONFLICT (id) DO NOTHING`,
    );
    const meter = { '3': '1.1', '3424': '1.1' };
    await device('lyon', 'inlet', 'water', 45.75, 4.85, meter);
    await device('lyon', 'in1', 'water', 45.71, 4.81, meter);
    await device('lyon', 'in2', 'water', 45.79, 4.89, meter);
    // Category not set, but announces the uCIFI water meter object: a water meter too.
    await device('lyon', 'in3', 'metering', 45.72, 4.88, meter);
    await device('lyon', 'out1', 'water', 45.75, 4.95, meter);
    await device('lyon', 'out2', 'water', 45.65, 4.85, meter);
    await device('lyon', 'nopos', 'water', null, null, meter);
    await device('lyon', 'lamp', 'lighting', 45.74, 4.84, { '3': '1.1', '3416': '2.0' });
    await device('lyon', 'gone', 'water', 45.73, 4.83, meter, true);
    await device('porto', 'pinlet', 'water', 45.75, 4.85, meter);
    await device('porto', 'p1', 'water', 45.71, 4.81, meter);
    gateway = await startGateway();
  });

  afterAll(async () => {
    // Areas, members, days and alarms go with their devices (ON DELETE CASCADE).
    await owner.query('DELETE FROM event_outbox WHERE key = ANY($1::text[])', [ids]);
    await owner.query('DELETE FROM devices WHERE id = ANY($1::uuid[])', [ids]);
    await owner.end();
    await gateway?.stop();
  });

  let polygonArea: AreaOut;
  let portoArea: AreaOut;

  it('creates a polygon area whose members are exactly the water meters inside it', async () => {
    const res = await as<{ createWaterArea: AreaOut }>('lyon-admin', CREATE, {
      input: { name: `dma-${run}-square`, inletDeviceId: dev['inlet'], polygon: SQUARE },
    });
    expect(res.errors).toEqual([]);
    polygonArea = res.data!.createWaterArea;
    expect(polygonArea).toMatchObject({
      inletDeviceId: dev['inlet'],
      membership: 'POLYGON',
      polygon: SQUARE,
      recomputePending: true,
    });
    // Not the inlet, the meters outside, the one without a position, the lamp, the decommissioned meter, nor
    // porto's meters at the same coordinates.
    expect(polygonArea.memberDeviceIds).toEqual([dev['in1'], dev['in2'], dev['in3']].sort());
    const { rows } = await owner.query('SELECT needs_recompute FROM water_areas WHERE id = $1', [
      polygonArea.id,
    ]);
    expect(rows).toEqual([{ needs_recompute: true }]);
  });

  it('resolves members and the inlet by endpoint, and reads them back as devices', async () => {
    const res = await as<{ createWaterArea: AreaOut }>('lyon-utility-water', CREATE, {
      input: {
        name: `dma-${run}-list`,
        inletEndpoint: `gwt-${run}-out1`,
        memberEndpoints: [`gwt-${run}-out2`],
        memberDeviceIds: [dev['nopos']],
        lossRateRisePoints: 7.5,
      },
    });
    expect(res.errors).toEqual([]);
    const area = res.data!.createWaterArea;
    expect(area).toMatchObject({ membership: 'LIST', polygon: null, lossRateRisePoints: 7.5 });
    expect(area.memberDeviceIds).toEqual([dev['out2'], dev['nopos']].sort());
    const read = await as<{ waterArea: { inlet: { id: string }; members: { id: string }[] } }>(
      'lyon-viewer',
      'query($id: ID!) { waterArea(id: $id) { inlet { id } members { id } } }',
      { id: area.id },
    );
    expect(read.errors).toEqual([]);
    expect(read.data!.waterArea.inlet.id).toBe(dev['out1']);
    expect(read.data!.waterArea.members.map((m) => m.id).sort()).toEqual(area.memberDeviceIds);
    const del = await as('lyon-utility-water', DELETE, { id: area.id });
    expect(del.errors).toEqual([]);
  });

  it.each<[DemoUser, string]>([
    ['lyon-viewer', 'FORBIDDEN'],
    ['lyon-operator', 'FORBIDDEN'],
  ])('refuses every write to %s (%s) but lets it read', async (user, code) => {
    const input = { name: `dma-${run}-${user}`, inletDeviceId: dev['inlet'], memberDeviceIds: [dev['in1']] };
    expect(codesOf(await as(user, CREATE, { input }))).toEqual([code]);
    expect(codesOf(await as(user, UPDATE, { id: polygonArea.id, input: { name: 'x' } }))).toEqual([code]);
    expect(codesOf(await as(user, DELETE, { id: polygonArea.id }))).toEqual([code]);
    const list = await as<{ waterAreas: { id: string }[] }>(user, LIST);
    expect(list.data!.waterAreas.map((a) => a.id)).toContain(polygonArea.id);
  });

  it.each([
    ['a Point', { type: 'Point', coordinates: [4.8, 45.7] }],
    [
      'an open ring',
      {
        type: 'Polygon',
        coordinates: [
          [
            [4.8, 45.7],
            [4.9, 45.7],
            [4.9, 45.8],
            [4.8, 45.8],
          ],
        ],
      },
    ],
    [
      'a latitude of 145',
      {
        type: 'Polygon',
        coordinates: [
          [
            [4.8, 145],
            [4.9, 45.7],
            [4.9, 45.8],
            [4.8, 145],
          ],
        ],
      },
    ],
    ['a string', 'POLYGON((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.7))'],
  ])('refuses %s as a polygon with BAD_USER_INPUT', async (_name, polygon) => {
    const res = await as('lyon-admin', CREATE, {
      input: { name: `dma-${run}-bad`, inletDeviceId: dev['inlet'], polygon },
    });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0]!.extensions?.['argument']).toBe('input.polygon');
    const upd = await as('lyon-admin', UPDATE, { id: polygonArea.id, input: { polygon } });
    expect(codesOf(upd)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses devices that are not water meters the caller sees, in one answer for any tenant', async () => {
    const create = (user: DemoUser, input: Record<string, unknown>) =>
      as(user, CREATE, { input: { name: `dma-${run}-refused`, ...input } });
    const lampAdmin = await create('lyon-admin', {
      inletDeviceId: dev['inlet'],
      memberDeviceIds: [dev['lamp']],
    });
    expect(codesOf(lampAdmin)).toEqual(['BAD_USER_INPUT']);
    expect(lampAdmin.errors[0]!.message).toBe('not a water meter');
    // A water utility does not see the lamp at all.
    const lampUtility = await create('lyon-utility-water', {
      inletDeviceId: dev['inlet'],
      memberDeviceIds: [dev['lamp']],
    });
    expect(lampUtility.errors[0]).toMatchObject({ message: 'unknown device' });
    const answers = await Promise.all(
      [dev['p1'], randomUUID(), 'not-a-uuid', dev['gone']].map(async (id) => {
        const r = await create('lyon-admin', { inletDeviceId: dev['inlet'], memberDeviceIds: [id] });
        return [codesOf(r), r.errors[0]?.message, r.errors[0]?.extensions?.['argument']];
      }),
    );
    for (const a of answers)
      expect(a).toEqual([['BAD_USER_INPUT'], 'unknown device', 'input.memberDeviceIds[0]']);
    const portoInlet = await create('lyon-admin', {
      inletDeviceId: dev['p1'],
      memberDeviceIds: [dev['in1']],
    });
    const noInlet = await create('lyon-admin', {
      inletDeviceId: randomUUID(),
      memberDeviceIds: [dev['in1']],
    });
    expect(portoInlet.errors.map((e) => [e.message, e.extensions])).toEqual(
      noInlet.errors.map((e) => [e.message, e.extensions]),
    );
    const dup = await create('lyon-admin', {
      name: polygonArea.name,
      inletDeviceId: dev['inlet'],
      polygon: SQUARE,
    });
    expect(codesOf(dup)).toEqual(['BAD_USER_INPUT']);
  });

  it('never shows or lets lyon touch a porto area: the answers of an id that does not exist', async () => {
    const created = await as<{ createWaterArea: AreaOut }>('porto-admin', CREATE, {
      input: { name: `dma-${run}-porto`, inletDeviceId: dev['p1'], polygon: SQUARE },
    });
    expect(created.errors).toEqual([]);
    portoArea = created.data!.createWaterArea;
    // porto's polygon (the same square) picks porto's meters only.
    expect(portoArea.memberDeviceIds).toEqual([dev['pinlet']]);
    const strip = (r: GqlResult) => ({
      data: r.data,
      errors: r.errors.map((e) => [e.message, e.extensions]),
    });
    const range = { from: '2026-01-01', to: '2026-01-31' };
    for (const [query, vars] of [
      [GET, {}],
      [UPDATE, { input: { name: 'taken over' } }],
      [DELETE, {}],
      [BALANCE, range],
      ['query($id: ID!) { waterArea(id: $id) { alarms { id } } }', {}],
    ] as const) {
      const foreign = await as('lyon-admin', query, { id: portoArea.id, ...vars });
      const none = await as('lyon-admin', query, { id: randomUUID(), ...vars });
      expect(strip(foreign)).toEqual(strip(none));
      expect(JSON.stringify(foreign)).not.toContain('porto');
    }
    const list = await as<{ waterAreas: { id: string }[] }>('lyon-admin', LIST);
    expect(list.data!.waterAreas.map((a) => a.id)).not.toContain(portoArea.id);
    const still = await as<{ waterArea: AreaOut }>('porto-viewer', GET, { id: portoArea.id });
    expect(still.data!.waterArea.name).toBe(`dma-${run}-porto`);
  });

  it('returns the balance rows of the area for the days asked, oldest first', async () => {
    await owner.query(
      `INSERT INTO water_area_days (tenant_id, area_id, day, inflow_m3, billed_m3, nrw_m3, nrw_pct,
                                    min_night_flow_m3h, meters_reporting, meters_total) VALUES
         ('lyon', $1, '2026-03-01', 120, 100, 20, 16.666667, 1.5, 3, 3),
         ('lyon', $1, '2026-03-02', 130, 101, 29, 22.307692, 2.25, 3, 3),
         ('lyon', $1, '2026-03-03', NULL, 99, NULL, NULL, NULL, 2, 3),
         ('lyon', $1, '2026-03-04', 110, 100, 10, 9.090909, 1, 3, 3),
         ('porto', $2, '2026-03-02', 1, 1, 0, 0, 0, 0, 0)`,
      [polygonArea.id, portoArea.id],
    );
    const res = await as<{ waterBalance: { areaId: string; days: unknown[] } }>('lyon-viewer', BALANCE, {
      id: polygonArea.id,
      from: '2026-03-02',
      to: '2026-03-03',
    });
    expect(res.errors).toEqual([]);
    expect(res.data!.waterBalance).toEqual({
      areaId: polygonArea.id,
      from: '2026-03-02',
      to: '2026-03-03',
      days: [
        {
          day: '2026-03-02',
          inflowM3: 130,
          billedM3: 101,
          nrwM3: 29,
          nrwPct: 22.307692,
          minNightFlowM3h: 2.25,
          metersReporting: 3,
          metersTotal: 3,
        },
        {
          day: '2026-03-03',
          inflowM3: null,
          billedM3: 99,
          nrwM3: null,
          nrwPct: null,
          minNightFlowM3h: null,
          metersReporting: 2,
          metersTotal: 3,
        },
      ],
    });
    for (const [from, to] of [
      ['2026-03-04', '2026-03-01'],
      ['2026-02-30', '2026-03-01'],
      ['yesterday', '2026-03-01'],
      ['2020-01-01', '2026-03-01'],
    ]) {
      expect(codesOf(await as('lyon-viewer', BALANCE, { id: polygonArea.id, from, to }))).toEqual([
        'BAD_USER_INPUT',
      ]);
    }
  });

  it('marks an updated area for recompute and switches its membership', async () => {
    await owner.query('UPDATE water_areas SET needs_recompute = false WHERE id = $1', [polygonArea.id]);
    const renamed = await as<{ updateWaterArea: AreaOut }>('lyon-admin', UPDATE, {
      id: polygonArea.id,
      input: { name: `dma-${run}-renamed`, nightFlowRiseRatio: 1.8 },
    });
    expect(renamed.errors).toEqual([]);
    expect(renamed.data!.updateWaterArea).toMatchObject({
      name: `dma-${run}-renamed`,
      nightFlowRiseRatio: 1.8,
      recomputePending: true,
      membership: 'POLYGON',
      memberDeviceIds: polygonArea.memberDeviceIds,
    });
    expect(renamed.data!.updateWaterArea.updatedAt).not.toBe(polygonArea.updatedAt);
    // Moving the inlet into the polygon's members' place: the polygon is resolved again without it.
    const inlet = await as<{ updateWaterArea: AreaOut }>('lyon-utility-water', UPDATE, {
      id: polygonArea.id,
      input: { inletDeviceId: dev['in1'], nightFlowRiseRatio: null },
    });
    expect(inlet.errors).toEqual([]);
    expect(inlet.data!.updateWaterArea).toMatchObject({
      inletDeviceId: dev['in1'],
      nightFlowRiseRatio: null,
    });
    // The utility sees water-category meters only; in3 (category metering) stays a member all the same.
    expect(inlet.data!.updateWaterArea.memberDeviceIds).toEqual([dev['inlet'], dev['in2']].sort());
    const members = await owner.query<{ device_id: string }>(
      'SELECT device_id FROM water_area_members WHERE area_id = $1',
      [polygonArea.id],
    );
    expect(members.rows.map((r) => r.device_id).sort()).toEqual(
      [dev['inlet'], dev['in2'], dev['in3']].sort(),
    );
    const listed = await as<{ updateWaterArea: AreaOut }>('lyon-admin', UPDATE, {
      id: polygonArea.id,
      input: { memberDeviceIds: [dev['in2']] },
    });
    expect(listed.data!.updateWaterArea).toMatchObject({
      membership: 'LIST',
      polygon: null,
      memberDeviceIds: [dev['in2']],
    });
    const { rows } = await owner.query(
      'SELECT device_id FROM water_area_members WHERE area_id = $1 ORDER BY device_id',
      [polygonArea.id],
    );
    expect(rows).toEqual([{ device_id: dev['in2'] }]);
    const inletAsMember = await as('lyon-admin', UPDATE, {
      id: polygonArea.id,
      input: { memberDeviceIds: [dev['in1']] },
    });
    expect(codesOf(inletAsMember)).toEqual(['BAD_USER_INPUT']);
  });

  it("lists the area's active alarms, with its meters' on request, and clears them when it is deleted", async () => {
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO alarms (tenant_id, device_id, type, severity, message, source_path, raised_at, status, cleared_at)
       VALUES ('lyon', $1, 'area_loss_rate_rise', 'MAJOR', 'nrw up', $2, now() - interval '1 hour', 'ACTIVE', NULL),
              ('lyon', $3, 'leak_suspected_from_flow', 'MINOR', 'night flow', '/3424/0', now(), 'ACTIVE', NULL),
              ('lyon', $1, 'area_night_flow_rise', 'MAJOR', 'old', $2, now() - interval '2 days', 'CLEARED', now())
       RETURNING id`,
      [dev['in1'], `/water-area/${polygonArea.id}`, dev['in2']],
    );
    const query = `query($id: ID!) { waterArea(id: $id) {
      own: alarms { id type status } all: alarms(includeMeters: true) { id type } } }`;
    const res = await as<{ waterArea: { own: { id: string }[]; all: { id: string }[] } }>(
      'lyon-viewer',
      query,
      {
        id: polygonArea.id,
      },
    );
    expect(res.errors).toEqual([]);
    expect(res.data!.waterArea.own.map((a) => a.id)).toEqual([rows[0]!.id]);
    expect(res.data!.waterArea.all.map((a) => a.id)).toEqual([rows[1]!.id, rows[0]!.id]);
    const del = await as<{ deleteWaterArea: { id: string } }>('lyon-admin', DELETE, { id: polygonArea.id });
    expect(del.data).toEqual({ deleteWaterArea: { id: polygonArea.id } });
    const after = await owner.query<{ id: string; status: string }>(
      'SELECT id, status FROM alarms WHERE id = ANY($1::uuid[]) ORDER BY id',
      [rows.map((r) => r.id)],
    );
    expect(Object.fromEntries(after.rows.map((r) => [r.id, r.status]))).toEqual({
      [rows[0]!.id]: 'CLEARED',
      [rows[1]!.id]: 'ACTIVE',
      [rows[2]!.id]: 'CLEARED',
    });
    // The clear is an event like the decoder's: partners (city.lyon.events.v1) and live subscribers see it.
    const events = await owner.query<{
      topic: string;
      live_channel: string;
      payload: Record<string, unknown>;
    }>(
      `SELECT topic, live_channel, payload FROM event_outbox
       WHERE source = 'decoder' AND payload->'alarm'->>'id' = ANY($1::text[])`,
      [rows.map((r) => r.id)],
    );
    expect(events.rows).toEqual([
      {
        topic: 'city.lyon.events.v1',
        live_channel: 'tenant:lyon:alarms',
        payload: expect.objectContaining({
          id: `${rows[0]!.id}:cleared`,
          type: 'alarm.cleared',
          deviceId: dev['in1'],
          alarm: expect.objectContaining({ status: 'CLEARED', type: 'area_loss_rate_rise' }),
        }),
      },
    ]);
    expect((await as('lyon-admin', GET, { id: polygonArea.id })).data).toEqual({ waterArea: null });
    expect(codesOf(await as('lyon-admin', DELETE, { id: polygonArea.id }))).toEqual(['NOT_FOUND']);
    const days = await owner.query('SELECT 1 FROM water_area_days WHERE area_id = $1', [polygonArea.id]);
    expect(days.rowCount).toBe(0);
  });
});
