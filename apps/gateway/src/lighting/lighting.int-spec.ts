import { randomBytes, randomUUID } from 'node:crypto';
import {
  type LightingProgram as ProgramDefinition,
  schedulePreview,
  energyEstimate,
} from '@smartcity/ucifi-lighting';
import { Kafka, logLevel } from 'kafkajs';
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

// Lighting programs through the real gateway: Keycloak tokens of the demo users, PostgreSQL with row-level
// security, commands published on Kafka topics of this run (no ingest: they stay unanswered, which is what the
// PENDING assertions check). Devices are rows of this run, written as the owner.

jest.setTimeout(120_000);

const LYON = { latitude: 45.76, longitude: 4.84, timeZone: 'Europe/Paris' };
const NIGHT: ProgramDefinition = {
  schedules: [
    {
      name: 'night',
      priority: 10,
      steps: [
        { at: 'S+30', level: 100 },
        { at: '00:00', level: 30 },
        { at: 'R-15', level: 0 },
      ],
      transition: { fadeSeconds: 30, curve: 'linear' },
    },
    {
      name: 'fridays',
      priority: 1,
      calendars: [{ type: 'night', weekdays: [5] }],
      steps: [
        { at: 'S', level: 100 },
        { at: '02:00', level: 60 },
        { at: 'R', level: 0 },
      ],
    },
  ],
};
const PROGRAM_OBJECTS = {
  '3': '1.1',
  '3416': '2.0',
  '3418': '1.0',
  '3452': '1.0',
  '3453': '1.0',
  '3454': '1.0',
  '3456': '1.0',
  '3457': '1.1',
  '3458': '1.0',
};
const FIELDS = 'id name description definition version lampCount createdBy';
const CREATE = `mutation($input: CreateLightingProgramInput!) { createLightingProgram(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateLightingProgramInput!) {
  updateLightingProgram(id: $id, input: $input) { ${FIELDS} } }`;
const GET = `query($id: ID!) { lightingProgram(id: $id) { ${FIELDS} } }`;
const PREVIEW = `query($id: ID!, $from: DateTime) { lightingSchedulePreview(programId: $id, hours: 48, from: $from) {
  programId from to location { latitude longitude timeZone } initialLevel initialSchedule
  changes { at level previous schedule fadeSeconds } } }`;
const STATUS_FIELDS = 'deviceId state detail programVersion appliedVersion commandIds';

interface ProgramOut {
  id: string;
  name: string;
  version: number;
  lampCount: number;
  definition: unknown;
  createdBy: string;
}
interface LampOut {
  deviceId: string;
  state: string;
  detail: string;
  programVersion: number;
  appliedVersion: number | null;
  commandIds: string[];
}

describe('lighting programs (GraphQL, real gateway)', () => {
  const run = randomBytes(4).toString('hex');
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  const topics = { downlink: `test.light.${run}.downlink`, result: `test.light.${run}.result` };
  let gateway: RunningGateway;
  const ids: string[] = [];
  const dev: Record<string, string> = {};
  let program: ProgramOut;

  const as = async <T = Record<string, unknown>>(
    user: DemoUser,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlResult<T>> => gql<T>(gateway, query, variables, { token: await tokenOf(user) });

  const device = async (tenant: string, key: string, objects: Record<string, string>) => {
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO devices (tenant_id, endpoint, name, category, lwm2m_version, object_versions)
       VALUES ($1, $2, $2, 'lighting', '1.1', $3) RETURNING id`,
      [tenant, `light-${run}-${key}`, JSON.stringify(objects)],
    );
    ids.push(rows[0]!.id);
    dev[key] = rows[0]!.id;
  };

  /** Latest values as the decoder would store them from the lamp's reports. */
  const state = async (key: string, values: Record<string, number>) => {
    for (const [path, value] of Object.entries(values)) {
      await owner.query(
        `INSERT INTO device_state (tenant_id, device_id, path, metric, time, value_num)
         VALUES ('lyon', $1, $2, 'test', now(), $3)`,
        [dev[key], path, value],
      );
    }
  };

  beforeAll(async () => {
    await owner.query(
      `INSERT INTO tenants (id, name) VALUES ('lyon', 'Lyon'), ('porto', 'Porto') ON CONFLICT (id) DO NOTHING`,
    );
    await device('lyon', 'roomy', PROGRAM_OBJECTS);
    await device('lyon', 'basic', PROGRAM_OBJECTS);
    await device('lyon', 'unknown', PROGRAM_OBJECTS);
    await device('lyon', 'plain', { '3': '1.1', '3416': '2.0' });
    await device('porto', 'porto', PROGRAM_OBJECTS);
    // Program Manager 3457/0 as reported: 0 max schedulers, 2 functions, 4 calendars, 6 actuators, 13 capabilities.
    await state('roomy', {
      '/3457/0/0': 4,
      '/3457/0/2': 4,
      '/3457/0/4': 4,
      '/3457/0/6': 1,
      '/3457/0/13': 0xfff,
    });
    // No astronomical events (bit 0) and room for one schedule only.
    await state('basic', {
      '/3457/0/0': 1,
      '/3457/0/2': 1,
      '/3457/0/4': 4,
      '/3457/0/6': 1,
      '/3457/0/13': 0xffe,
    });
    // Measured 3418 active power 40 W at 3416 dimming level 50 %.
    await state('roomy', { '/3418/0/4': 40, '/3416/0/3': 50 });
    gateway = await startGateway({
      COMMANDS_DOWNLINK_TOPIC: topics.downlink,
      COMMANDS_RESULT_TOPIC: topics.result,
      COMMANDS_RESULT_GROUP_ID: `gateway-light-${run}`,
    });
    const loc = await as(
      'lyon-admin',
      'mutation($la: Float!, $lo: Float!, $tz: String!) { setLightingLocation(latitude: $la, longitude: $lo, timeZone: $tz) { timeZone } }',
      {
        la: LYON.latitude,
        lo: LYON.longitude,
        tz: LYON.timeZone,
      },
    );
    expect(loc.errors).toEqual([]);
  });

  afterAll(async () => {
    await owner.query('DELETE FROM lighting_programs WHERE name LIKE $1', [`light-${run}-%`]);
    await owner.query('DELETE FROM devices WHERE id = ANY($1::uuid[])', [ids]);
    await owner.end();
    await gateway?.stop();
    const admin = new Kafka({
      brokers: TEST_ENV.kafkaBrokers,
      clientId: `light-${run}`,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('lets an operator create a program and an admin change it (new version)', async () => {
    const res = await as<{ createLightingProgram: ProgramOut }>('lyon-operator', CREATE, {
      input: {
        name: `light-${run}-night`,
        description: 'sunset+30 full, 30 % after midnight',
        definition: NIGHT,
      },
    });
    expect(res.errors).toEqual([]);
    program = res.data!.createLightingProgram;
    expect(program).toMatchObject({
      version: 1,
      lampCount: 0,
      createdBy: 'lyon-operator',
      definition: NIGHT,
    });
    const up = await as<{ updateLightingProgram: ProgramOut }>('lyon-admin', UPDATE, {
      id: program.id,
      input: { description: 'changed text only' },
    });
    expect(up.data!.updateLightingProgram.version).toBe(1);
    const listed = await as<{ lightingPrograms: { id: string }[] }>(
      'lyon-viewer',
      '{ lightingPrograms { id } }',
    );
    expect(listed.data!.lightingPrograms.map((p) => p.id)).toContain(program.id);
  });

  it('refuses writes to a viewer (FORBIDDEN) and a duplicate name (BAD_USER_INPUT)', async () => {
    const viewer = await as('lyon-viewer', CREATE, { input: { name: `light-${run}-v`, definition: NIGHT } });
    expect(codesOf(viewer)).toEqual(['FORBIDDEN']);
    const dup = await as('lyon-admin', CREATE, { input: { name: `light-${run}-night`, definition: NIGHT } });
    expect(codesOf(dup)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses an invalid program with BAD_USER_INPUT naming each problem', async () => {
    const res = await as('lyon-admin', CREATE, {
      input: {
        name: `light-${run}-bad`,
        definition: {
          schedules: [
            {
              name: 'x',
              priority: 1,
              steps: [
                { at: 'S+30', level: 150 },
                { at: '25:00', level: 1 },
              ],
            },
          ],
        },
      },
    });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0]!.message).toMatch(
      /schedules\[0\]\.steps\[0\]\.level: must be an integer from 0 to 100/,
    );
    expect(res.errors[0]!.message).toMatch(/schedules\[0\]\.steps\[1\]\.at: "25:00" is not a time/);
    const upd = await as('lyon-admin', UPDATE, { id: program.id, input: { definition: { schedules: [] } } });
    expect(codesOf(upd)).toEqual(['BAD_USER_INPUT']);
  });

  it('hides lyon programs from porto exactly as programs that do not exist', async () => {
    const missing = randomUUID();
    for (const id of [program.id, missing]) {
      const get = await as<{ lightingProgram: unknown }>('porto-admin', GET, { id });
      expect(get.errors).toEqual([]);
      expect(get.data!.lightingProgram).toBeNull();
    }
    const answers = await Promise.all(
      [program.id, missing].flatMap((id) => [
        as('porto-admin', PREVIEW, { id }),
        as('porto-admin', UPDATE, { id, input: { name: 'taken over' } }),
        as('porto-admin', 'mutation($id: ID!) { deleteLightingProgram(id: $id) { id } }', { id }),
        as('porto-admin', `mutation($id: ID!) { applyLightingProgram(programId: $id) { deviceId } }`, { id }),
      ]),
    );
    const shapes = answers.map((a) => [codesOf(a), a.errors[0]?.message]);
    expect(shapes.slice(0, 4)).toEqual(shapes.slice(4));
    expect(shapes[0]).toEqual([['NOT_FOUND'], 'lighting program not found']);
    const list = await as<{ lightingPrograms: { id: string }[] }>(
      'porto-admin',
      '{ lightingPrograms { id } }',
    );
    expect(list.data!.lightingPrograms.map((p) => p.id)).not.toContain(program.id);
    // Still there for lyon, unchanged.
    const mine = await as<{ lightingProgram: ProgramOut }>('lyon-viewer', GET, { id: program.id });
    expect(mine.data!.lightingProgram.name).toBe(`light-${run}-night`);
  });

  it("previews 48 h at lyon's coordinates exactly as the library computes it", async () => {
    const from = '2026-12-11T10:00:00.000Z'; // a Friday: the Friday-night schedule takes over at sunset
    const res = await as<{ lightingSchedulePreview: Record<string, unknown> }>('lyon-viewer', PREVIEW, {
      id: program.id,
      from,
    });
    expect(res.errors).toEqual([]);
    const expected = schedulePreview(NIGHT, LYON, LYON.timeZone, Date.parse(from), 48);
    expect(res.data!.lightingSchedulePreview).toEqual({
      programId: program.id,
      from,
      to: new Date(expected.to).toISOString(),
      location: LYON,
      initialLevel: expected.initial.level,
      initialSchedule: expected.initial.schedule,
      changes: expected.changes.map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
    });
    expect(expected.changes.length).toBeGreaterThanOrEqual(6);
    expect(expected.changes.some((c) => c.schedule === 'fridays' && c.level === 60)).toBe(true);
  });

  it('assigns lamp controllers, refusing those without program objects and other cities’ devices', async () => {
    const res = await as<{
      assignLightingProgram: { assigned: string[]; refused: { deviceId: string; reason: string }[] };
    }>(
      'lyon-operator',
      `mutation($id: ID!, $t: DeviceTargets!) { assignLightingProgram(programId: $id, targets: $t) {
         assigned refused { deviceId reason } } }`,
      {
        id: program.id,
        t: { deviceIds: [dev['roomy'], dev['basic'], dev['unknown'], dev['plain'], dev['porto']] },
      },
    );
    expect(res.errors).toEqual([]);
    const out = res.data!.assignLightingProgram;
    expect(out.assigned.sort()).toEqual([dev['roomy'], dev['basic'], dev['unknown']].sort());
    expect(out.refused).toEqual(
      expect.arrayContaining([
        {
          deviceId: dev['plain'],
          reason: 'not a programmable lamp controller: objects 3452, 3453, 3454, 3457 not registered',
        },
        { deviceId: dev['porto'], reason: 'no such device in this tenant' },
      ]),
    );
  });

  it('estimates energy from the measured 3418 power, else the rated power', async () => {
    const from = '2026-12-11T10:00:00.000Z';
    const res = await as<{
      lightingEnergyEstimate: {
        totalKWh: number;
        ratedLampKWh: number;
        lamps: { deviceId: string; basis: string; ratedPowerW: number; kWh: number }[];
        lampsWithoutPower: string[];
      };
    }>(
      'lyon-viewer',
      `query($id: ID!, $from: DateTime) { lightingEnergyEstimate(programId: $id, hours: 48, from: $from, ratedPowerW: 60) {
         totalKWh ratedLampKWh lamps { deviceId basis ratedPowerW kWh } lampsWithoutPower } }`,
      { id: program.id, from },
    );
    expect(res.errors).toEqual([]);
    const preview = schedulePreview(NIGHT, LYON, LYON.timeZone, Date.parse(from), 48);
    const measured = energyEstimate(preview, { measuredPowerW: 40, atLevel: 50 }).kWh;
    const rated = energyEstimate(preview, { ratedPowerW: 60 }).kWh;
    const e = res.data!.lightingEnergyEstimate;
    expect(e.lamps.find((l) => l.deviceId === dev['roomy'])).toEqual({
      deviceId: dev['roomy'],
      basis: 'MEASURED',
      ratedPowerW: 80,
      kWh: measured,
    });
    expect(e.lamps.find((l) => l.deviceId === dev['basic'])).toMatchObject({ basis: 'RATED', kWh: rated });
    expect(e.ratedLampKWh).toBe(rated);
    expect(e.totalKWh).toBeCloseTo(measured + 2 * rated, 5);
    expect(rated).toBeGreaterThan(0.5); // a December night at 60 W: several kWh-tenths per night
  });

  it('applies: compiles for each controller, refuses the one lacking capabilities, reads the unknown one', async () => {
    const res = await as<{ applyLightingProgram: LampOut[] }>(
      'lyon-operator',
      `mutation($id: ID!) { applyLightingProgram(programId: $id, waitSeconds: 0) { ${STATUS_FIELDS} } }`,
      { id: program.id },
    );
    expect(res.errors).toEqual([]);
    const byDevice = new Map(res.data!.applyLightingProgram.map((s) => [s.deviceId, s]));
    // roomy: Execute /3457/0/16 + 1 calendar, 1 output filter, 2 functions, 2 schedulers = 7 commands, unanswered.
    expect(byDevice.get(dev['roomy']!)).toMatchObject({
      state: 'PENDING',
      appliedVersion: 1,
      detail: '7 of 7 commands not answered yet',
    });
    expect(byDevice.get(dev['roomy']!)!.commandIds).toHaveLength(7);
    const basic = byDevice.get(dev['basic']!)!;
    expect(basic).toMatchObject({ state: 'FAILED', commandIds: [] });
    expect(basic.detail).toMatch(/"astronomicalEvents" \(3457\/13 bit 0\)/);
    expect(basic.detail).toMatch(/2 program schedulers \(3457\/0\), the controller holds at most 1/);
    expect(byDevice.get(dev['unknown']!)).toMatchObject({
      state: 'PENDING',
      detail: 'reading the Program Manager (3457) of the controller',
      commandIds: [],
    });
    // The commands are ordinary device commands, in order.
    const cmds = await as<{
      command: { type: string; status: string; request: { operation: { op: string; path: string } } };
    }>('lyon-operator', 'query($id: ID!) { command(id: $id) { type status request } }', {
      id: byDevice.get(dev['roomy']!)!.commandIds[0],
    });
    expect(cmds.data!.command).toMatchObject({
      type: 'execute',
      request: { operation: { op: 'execute', path: '/3457/0/16' } },
    });
  });

  it('shows DRIFT once the program changes after it was applied', async () => {
    const changed = {
      schedules: [
        {
          ...NIGHT.schedules[0]!,
          steps: [
            { at: 'S+15', level: 100 },
            { at: 'R', level: 0 },
          ],
        },
      ],
    };
    const up = await as<{ updateLightingProgram: ProgramOut }>('lyon-admin', UPDATE, {
      id: program.id,
      input: { definition: changed },
    });
    expect(up.data!.updateLightingProgram.version).toBe(2);
    // No ingest serves this run's topic: the device's answers (2.01 Created) are written in its place.
    await owner.query(`UPDATE commands SET status = 'SUCCEEDED', coap_code = '2.01' WHERE device_id = $1`, [
      dev['roomy'],
    ]);
    const res = await as<{ lightingLampStatuses: LampOut[] }>(
      'lyon-viewer',
      `query($id: ID!) { lightingLampStatuses(programId: $id) { ${STATUS_FIELDS} } }`,
      { id: program.id },
    );
    const roomy = res.data!.lightingLampStatuses.find((s) => s.deviceId === dev['roomy']);
    expect(roomy).toMatchObject({ state: 'DRIFT', programVersion: 2, appliedVersion: 1 });
    const viewerApply = await as(
      'lyon-viewer',
      `mutation($id: ID!) { applyLightingProgram(programId: $id) { deviceId } }`,
      { id: program.id },
    );
    expect(codesOf(viewerApply)).toEqual(['FORBIDDEN']);
  });
});
