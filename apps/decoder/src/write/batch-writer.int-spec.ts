import { randomBytes, randomUUID } from 'node:crypto';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { type DecodedData, type TelemetryValue } from '../uplink/decoded-uplink';
import { BatchWriter, stateKey, type TenantBatch } from './batch-writer';

const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'batch-writer-test-owner',
  max: 2,
});
const app = createPool({
  connectionString: 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity',
  applicationName: 'batch-writer-test-app',
  max: 2,
});

const PATH = '/3303/0/5700';

function value(timeSec: number, valueNum: number): TelemetryValue {
  return {
    timeSec,
    path: PATH,
    metric: 'temperature',
    valueNum,
    valueBool: null,
    valueText: null,
    valueJson: null,
    unit: 'Cel',
    quality: null,
  };
}

describe('BatchWriter against the local stack', () => {
  const tenant = `bw-${randomBytes(4).toString('hex')}`;
  const tenants = new TenantAdminRepository(owner);
  const writer = new BatchWriter(app);
  let deviceId = '';

  const batch = (...values: TelemetryValue[]): TenantBatch => {
    const uplink: DecodedData = {
      kind: 'data',
      origin: { topic: 'test', partition: 0, offset: '0' },
      message: {
        v: 1,
        id: `test:${randomUUID()}`,
        kind: 'send',
        tenant,
        endpoint: `${tenant}-1`,
        deviceId,
        registrationId: 'reg',
        instanceId: 'test',
        receivedAt: Date.now(),
        objectVersions: {},
        contentFormat: 110,
        payload: '',
      },
      values,
      alarms: [],
    };
    return { tenant, uplinks: [uplink], alarmTransitions: [] };
  };
  // xmin changes with every new row version: it tells whether a statement rewrote the row.
  const state = async () =>
    (
      await owner.query<{ s: number; v: number; xmin: string }>(
        'SELECT extract(epoch FROM time)::float8 AS s, value_num AS v, xmin::text FROM device_state WHERE device_id = $1',
        [deviceId],
      )
    ).rows[0]!;

  beforeAll(async () => {
    await tenants.create({ id: tenant, name: 'Batch writer test' });
    const { rows } = await owner.query<{ id: string }>(
      'INSERT INTO devices (tenant_id, endpoint) VALUES ($1, $2) RETURNING id',
      [tenant, `${tenant}-1`],
    );
    deviceId = rows[0]!.id;
  });
  afterAll(async () => {
    await tenants.delete(tenant);
    await owner.end();
    await app.end();
  });

  it('rewrites no state row on a replay, yet announces the replayed values again', async () => {
    const key = stateKey(deviceId, PATH);
    const first = await writer.writeTenant(batch(value(1000, 20), value(1010, 21)));
    expect([...first.stateChanged]).toEqual([key]);
    const written = await state();
    expect(written).toMatchObject({ s: 1010, v: 21 });

    const replay = await writer.writeTenant(batch(value(1000, 20), value(1010, 21)));
    expect([...replay.stateChanged]).toEqual([key]);
    expect(await state()).toEqual(written);
  });

  it('moves the state to newer times and to a corrected value at the same time, never backwards', async () => {
    const key = stateKey(deviceId, PATH);
    const older = await writer.writeTenant(batch(value(900, 5)));
    expect(older.stateChanged.size).toBe(0);
    expect(await state()).toMatchObject({ s: 1010, v: 21 });

    const corrected = await writer.writeTenant(batch(value(1010, 22)));
    expect([...corrected.stateChanged]).toEqual([key]);
    expect(await state()).toMatchObject({ s: 1010, v: 22 });

    const newer = await writer.writeTenant(batch(value(1020, 23)));
    expect([...newer.stateChanged]).toEqual([key]);
    expect(await state()).toMatchObject({ s: 1020, v: 23 });
  });

  const rows = async () =>
    Number(
      (
        await owner.query<{ n: string }>('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [
          deviceId,
        ])
      ).rows[0]!.n,
    );

  it('inserts new rows plainly and falls back to ON CONFLICT DO NOTHING when a row is stored already', async () => {
    const before = await rows();
    const fresh = await writer.writeTenant(batch(value(2000, 1), value(2010, 2)));
    expect(fresh.insertPath).toBe('plain');
    expect(await rows()).toBe(before + 2);

    // A replay of the batch: the plain insert meets the stored rows, the idempotent one adds nothing.
    const replay = await writer.writeTenant(batch(value(2000, 1), value(2010, 2)));
    expect(replay.insertPath).toBe('idempotent');
    expect(await rows()).toBe(before + 2);

    // Stored and new rows in one batch: only the new ones are added, and only once.
    const mixed = await writer.writeTenant(batch(value(2010, 2), value(2020, 3)));
    expect(mixed.insertPath).toBe('idempotent');
    expect(await rows()).toBe(before + 3);

    // The same value twice in one batch stores one row.
    const twice = await writer.writeTenant(batch(value(2030, 4), value(2030, 4)));
    expect(twice.insertPath).toBe('idempotent');
    expect(await rows()).toBe(before + 4);
  });
});
