import { createLogger } from '@smartcity/platform-observability';
import { DecoderHarness } from '../testing/decoder-harness';
import { VOLUME_PATH } from './water.repository';
import { WaterJob } from './water.job';

jest.setTimeout(120_000);

const H = 3_600_000;
const DAY0 = Date.parse('2026-11-01T00:00:00Z');
const DAYS = 9;
/** Customer use, m3/h: 0.01 from 00:00 to 06:00 (UTC tenant), 0.2 the rest of the day: 3.66 m3 a day. */
const customerFlow = (t: number) => (new Date(t).getUTCHours() < 6 ? 0.01 : 0.2);
/** Network loss between inlet and customers, m3/h: 0.1, plus a burst of 1.0 from day 5 (2026-11-06) on. */
const lossFlow = (t: number) => 0.1 + (t >= DAY0 + 5 * 24 * H ? 1 : 0);
/** The slowly growing leak behind customer meter C3: 0.015 m3/h more each day from day 2 (2026-11-03). */
const c3Leak = (t: number) => Math.max(0, Math.floor((t - DAY0) / (24 * H)) - 1) * 0.015;

describe('water job against PostgreSQL (hand-computed fixture)', () => {
  const h = new DecoderHarness();
  afterAll(() => h.cleanup());

  it('computes the balance by hand, finds both leaks within the nights configured, nothing else, recomputes a late night', async () => {
    const tenant = h.tenant('water');
    await h.createTenant(tenant);
    const inlet = await h.createDevice(tenant, 'inlet');
    const c1 = await h.createDevice(tenant, 'c1');
    const c2 = await h.createDevice(tenant, 'c2');
    const c3 = await h.createDevice(tenant, 'c3');
    const all = [inlet, c1, c2, c3];
    const flow = new Map<string, (t: number) => number>([
      [inlet.deviceId, (t) => 3 * customerFlow(t) + c3Leak(t) + lossFlow(t)],
      [c1.deviceId, customerFlow],
      [c2.deviceId, customerFlow],
      [c3.deviceId, (t) => customerFlow(t) + c3Leak(t)],
    ]);
    for (const d of all) {
      await h.owner.query(
        `INSERT INTO device_state (tenant_id, device_id, path, metric, time, value_num, unit)
         VALUES ($1, $2, $3, 'water_meter.cumulated_water_volume', now(), 0, 'm3')`,
        [tenant, d.deviceId, VOLUME_PATH],
      );
    }
    const { rows } = await h.owner.query<{ id: string }>(
      'INSERT INTO water_areas (tenant_id, name, inlet_device_id) VALUES ($1, $2, $3) RETURNING id',
      [tenant, 'north', inlet.deviceId],
    );
    const areaId = rows[0]!.id;
    await h.owner.query(
      'INSERT INTO water_area_members (tenant_id, area_id, device_id) SELECT $1, $2, unnest($3::uuid[])',
      [tenant, areaId, [c1.deviceId, c2.deviceId, c3.deviceId]],
    );

    // Cumulative volume at the top of every hour (one reading per rollup hour); C2 misses 03:00-07:00 of
    // 2026-11-07 (a reading gap longer than the 3 h allowed), which arrives late at the end.
    const volume = new Map(all.map((d) => [d.deviceId, 100]));
    const hours: { device: string; bucket: number; v: number }[] = [];
    for (let t = DAY0; t <= DAY0 + DAYS * 24 * H; t += H) {
      for (const d of all) hours.push({ device: d.deviceId, bucket: t, v: volume.get(d.deviceId)! });
      for (const d of all) volume.set(d.deviceId, volume.get(d.deviceId)! + flow.get(d.deviceId)!(t));
    }
    const lateFrom = Date.parse('2026-11-07T03:00:00Z');
    const isLate = (x: { device: string; bucket: number }) =>
      x.device === c2.deviceId && x.bucket >= lateFrom && x.bucket <= lateFrom + 4 * H;
    const write = (list: typeof hours) =>
      h.owner.query(
        `INSERT INTO telemetry_hourly (bucket, tenant_id, device_id, path, metric, unit, samples, num_count, num_min,
           num_max, num_avg, num_sum, first_time, last_time, last_num)
         SELECT to_timestamp(b / 1000), $1, d, $2, 'water_meter.cumulated_water_volume', 'm3', 1, 1, v, v, v, v,
           to_timestamp(b / 1000), to_timestamp(b / 1000), v
         FROM unnest($3::uuid[], $4::float8[], $5::float8[]) AS x(d, b, v)
         ON CONFLICT (device_id, path, bucket) DO UPDATE SET last_num = EXCLUDED.last_num`,
        [tenant, VOLUME_PATH, list.map((x) => x.device), list.map((x) => x.bucket), list.map((x) => x.v)],
      );

    // The job runs every simulated day at 12:00 with the data up to then, as it would in production.
    let clock = 0;
    const job = new WaterJob(h.app, createLogger({ app: 'test', level: 'silent' }), undefined, () => clock);
    const raisedOn = new Map<string, string>();
    let written = 0;
    for (let day = 1; day <= DAYS; day++) {
      clock = DAY0 + day * 24 * H + 12 * H;
      const upTo = hours.filter((x) => x.bucket <= clock && !isLate(x));
      await write(upTo.slice(written));
      written = upTo.length;
      const started = Date.now();
      const done = await job.runTenant(tenant);
      expect(done).toBeDefined();
      expect(Date.now() - started).toBeLessThan(5000);
      for (const a of done!.alarms) {
        if (a.status === 'ACTIVE') raisedOn.set(`${a.device_id}/${a.type}`, new Date(clock).toISOString());
      }
    }

    // Hand computation, 2026-11-02 (no leak yet): customers 6 x 0.01 + 18 x 0.2 = 3.66 m3 each, C3 no leak yet;
    // inflow 3 x 3.66 + 24 x 0.1 = 13.38; NRW 2.4 m3 = 17.937220 %; inlet night minimum 3 x 0.01 + 0.1 = 0.13.
    const day = async (d: string) =>
      (
        await h.owner.query(
          `SELECT inflow_m3, billed_m3, nrw_m3, nrw_pct, min_night_flow_m3h, meters_reporting, meters_total
           FROM water_area_days WHERE area_id = $1 AND day = $2`,
          [areaId, d],
        )
      ).rows[0];
    expect(await day('2026-11-02')).toEqual({
      inflow_m3: 13.38,
      billed_m3: 10.98,
      nrw_m3: 2.4,
      nrw_pct: 17.93722,
      min_night_flow_m3h: 0.13,
      meters_reporting: 3,
      meters_total: 3,
    });
    // 2026-11-08, burst and C3 leak (6 x 0.015 = 0.09 m3/h): billed 10.98 + 24 x 0.09 = 13.14; loss 24 x 1.1 = 26.4.
    expect(await day('2026-11-08')).toMatchObject({
      inflow_m3: 39.54,
      billed_m3: 13.14,
      nrw_m3: 26.4,
      nrw_pct: 66.76783,
      min_night_flow_m3h: 1.22,
    });

    // C3's night flow passes 0.02 m3/h on the night of 2026-11-03 (0.01 + 0.015): the third such night is
    // 2026-11-05, seen by the run of that day (3 nights configured). The burst starts 2026-11-06 00:00: the area
    // alarms come with the first complete day of it, 2026-11-06, judged by the run of 2026-11-07.
    expect(Object.fromEntries(raisedOn)).toEqual({
      [`${c3.deviceId}/leak_suspected_from_flow`]: '2026-11-05T12:00:00.000Z',
      [`${inlet.deviceId}/area_night_flow_rise`]: '2026-11-07T12:00:00.000Z',
      [`${inlet.deviceId}/area_loss_rate_rise`]: '2026-11-07T12:00:00.000Z',
    });
    const evidence = await h.owner.query<{ details: { nights: { night: string; minFlowM3h: number }[] } }>(
      `SELECT details FROM alarms WHERE device_id = $1 AND type = 'leak_suspected_from_flow' AND status = 'ACTIVE'`,
      [c3.deviceId],
    );
    expect(evidence.rows[0]!.details.nights).toEqual([
      { night: '2026-11-03', minFlowM3h: 0.025 },
      { night: '2026-11-04', minFlowM3h: 0.04 },
      { night: '2026-11-05', minFlowM3h: 0.055 },
    ]);
    expect(
      await h.count(
        `SELECT count(*) AS n FROM alarms WHERE tenant_id = $1 AND device_id = ANY ($2::uuid[])`,
        [tenant, [c1.deviceId, c2.deviceId]],
      ),
    ).toBe(0);
    // The alarms' partner events went to the outbox with them.
    expect(
      await h.count(`SELECT count(*) AS n FROM event_outbox WHERE tenant_id = $1`, [tenant]),
    ).toBeGreaterThanOrEqual(3);

    // C2's night of 2026-11-07 had no figure; its late readings recompute that night and day, and only them.
    const c2Night = () =>
      h.owner.query(
        `SELECT min_flow_m3h FROM water_meter_nights WHERE device_id = $1 AND night = '2026-11-07'`,
        [c2.deviceId],
      );
    expect((await c2Night()).rows).toEqual([]);
    expect(await day('2026-11-07')).toMatchObject({ meters_reporting: 3 });
    const stamps = async () =>
      (
        await h.owner.query<{ k: string; at: string }>(
          `SELECT device_id || '/' || night AS k, computed_at::text AS at FROM water_meter_nights WHERE tenant_id = $1
           UNION ALL SELECT area_id || '/' || day, computed_at::text FROM water_area_days WHERE tenant_id = $1`,
          [tenant],
        )
      ).rows;
    const before = new Map((await stamps()).map((r) => [r.k, r.at]));
    await write(hours.filter(isLate));
    const late = await job.runTenant(tenant);
    // 2026-11-07 for the late hours, 2026-11-09 again for the first hours of 2026-11-10 (within the reading gap of
    // the 9th; their marks wait until the 10th is over).
    expect(late).toMatchObject({ areaDays: 2 });
    expect((await c2Night()).rows[0]?.min_flow_m3h).toBeCloseTo(0.01, 9);
    // Only the late night is written; recomputed rows whose figures did not change are left alone.
    const changed = (await stamps()).filter((r) => before.get(r.k) !== r.at).map((r) => r.k);
    expect(changed).toEqual([`${c2.deviceId}/2026-11-07`]);
    // The day after, with nothing new: the waiting marks are done, then a run has nothing to read.
    clock += 24 * H;
    await job.runTenant(tenant);
    expect(await job.runTenant(tenant)).toMatchObject({ nights: 0, areaDays: 0 });
  });
});
