import { createLogger } from '@smartcity/platform-observability';
import { DecoderHarness } from '../../../apps/decoder/src/testing/decoder-harness';
import { WaterJob } from '../../../apps/decoder/src/water/water.job';
import { DEFAULT_DISTRICT, DistrictModel } from '../../../apps/simulator/src/district/district-model';

jest.setTimeout(180_000);

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-10-01T00:00:00Z');
const DAYS = 14;
const LEAK_DAY = 9;
const GROW_DAY = 3;
const NIGHTS = 3;

/**
 * The simulated district (inlet + 50 customer meters) runs 14 days on its own clock in seconds; its hourly readings
 * become the rollups the water job reads (what the rollup job makes of the Send values), and the job runs once a
 * simulated day. The network leak and the growing meter are found within the configured nights; nothing else is.
 */
describe('simulated district through the water job', () => {
  const h = new DecoderHarness();
  afterAll(() => h.cleanup());

  it('finds the network leak and the growing night flow, and nothing on the leak-free meters', async () => {
    const tenant = h.tenant('district');
    await h.createTenant(tenant);
    await h.owner.query(`UPDATE tenants SET settings = settings || $2::jsonb WHERE id = $1`, [
      tenant,
      JSON.stringify({
        water: { nightWindow: { start: '02:00', end: '04:00' }, nightFlow: { nights: NIGHTS } },
      }),
    ]);
    const sim = new DistrictModel({
      ...DEFAULT_DISTRICT,
      startMs: T0,
      networkLeak: { fromMs: T0 + LEAK_DAY * DAY, m3h: 2 },
      growingLeak: { meter: 7, fromMs: T0 + GROW_DAY * DAY, m3hPerDay: 0.01 },
    });
    const names = ['inlet', ...Array.from({ length: 50 }, (_, i) => DistrictModel.meterName(i))];
    const ids = new Map<string, string>();
    for (const n of names) ids.set(n, (await h.createDevice(tenant, n)).deviceId);
    await h.owner.query(
      `INSERT INTO device_state (tenant_id, device_id, path, metric, time, value_num, unit)
       SELECT $1, unnest($2::uuid[]), '/3424/0/1', 'water_meter.cumulated_water_volume', now(), 0, 'm3'`,
      [tenant, [...ids.values()]],
    );
    const area = await h.owner.query<{ id: string }>(
      'INSERT INTO water_areas (tenant_id, name, inlet_device_id) VALUES ($1, $2, $3) RETURNING id',
      [tenant, 'district', ids.get('inlet')],
    );
    await h.owner.query(
      'INSERT INTO water_area_members (tenant_id, area_id, device_id) SELECT $1, $2, unnest($3::uuid[])',
      [tenant, area.rows[0]!.id, names.slice(1).map((n) => ids.get(n))],
    );

    const job = new WaterJob(
      h.app,
      createLogger({ app: 'test', level: 'silent' }),
      undefined,
      () => sim.clockMs,
    );
    const raised = new Map<string, number>();
    const runtimes: number[] = [];
    for (let day = 1; day <= DAYS; day++) {
      // Readings every 15 minutes of simulated time; the rollup keeps each hour's last one.
      const readings = sim.advance(T0 + day * DAY + 6 * H, 15 * 60_000);
      const hourly = readings.filter((r) => r.timeMs % H === 0);
      await h.owner.query(
        `INSERT INTO telemetry_hourly (bucket, tenant_id, device_id, path, metric, unit, samples, num_count, num_min,
           num_max, num_avg, num_sum, first_time, last_time, last_num)
         SELECT to_timestamp(t / 1000), $1, d, '/3424/0/1', 'water_meter.cumulated_water_volume', 'm3', 1, 1, v, v,
           v, v, to_timestamp(t / 1000), to_timestamp(t / 1000), v
         FROM unnest($2::uuid[], $3::float8[], $4::float8[]) AS x(d, t, v)
         ON CONFLICT (device_id, path, bucket) DO NOTHING`,
        [
          tenant,
          hourly.map((r) => ids.get(r.meter)),
          hourly.map((r) => r.timeMs),
          hourly.map((r) => r.volumeM3),
        ],
      );
      const started = performance.now();
      const done = await job.runTenant(tenant);
      runtimes.push(performance.now() - started);
      for (const a of done!.alarms)
        if (a.status === 'ACTIVE' && !raised.has(`${a.device_id}/${a.type}`))
          raised.set(`${a.device_id}/${a.type}`, day);
    }
    process.stdout.write(
      `water job, 51 meters, 1 area: run ms median ${median(runtimes).toFixed(1)}, max ${Math.max(...runtimes).toFixed(1)}\n`,
    );

    const meter7 = raised.get(`${ids.get('customer-7')}/leak_suspected_from_flow`);
    const areaNight = raised.get(`${ids.get('inlet')}/area_night_flow_rise`);
    const areaLoss = raised.get(`${ids.get('inlet')}/area_loss_rate_rise`);
    // Meter 7 passes 0.02 m3/h on its second leaking night (0.004 + 2 x 0.01); NIGHTS nights later at most.
    expect(meter7).toBeDefined();
    expect(meter7!).toBeLessThanOrEqual(GROW_DAY + 1 + NIGHTS);
    // The leak starts at 00:00 of LEAK_DAY: that day is judged by the run of the next day.
    expect(areaNight).toBe(LEAK_DAY + 1);
    expect(areaLoss).toBe(LEAK_DAY + 1);
    expect(raised.size).toBe(3);
    expect(await h.count(`SELECT count(*) AS n FROM alarms WHERE tenant_id = $1`, [tenant])).toBe(3);
  });
});

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
