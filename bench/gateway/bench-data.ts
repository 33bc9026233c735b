import { type Pool } from 'pg';

export const BENCH_TENANT = 'bench-gw';

/** Resources every bench device reports (a water meter with a battery); telemetry rows cycle over them. */
export const BENCH_PATHS = [
  ['/3424/0/1', 'water_meter.cumulated_water_volume', 'm3'],
  ['/3424/0/7', 'water_meter.minimum_flow_rate', 'm3/h'],
  ['/3424/0/8', 'water_meter.maximum_flow_rate', 'm3/h'],
  ['/3/0/9', 'device.battery_level', '%'],
] as const;

export interface LoadReport {
  readonly devices: number;
  readonly rows: number;
  readonly seconds: number;
}

/**
 * Loads the dedicated bench tenant through the owner role: `devices` devices with latest state, and `rows` telemetry
 * rows spread evenly over devices and paths at a 5-minute interval ending now (generate_series in SQL, one statement
 * per device slice so progress can be printed). Existing bench data is deleted first.
 */
export async function loadBenchData(
  owner: Pool,
  devices: number,
  rows: number,
  progress: (message: string) => void,
): Promise<LoadReport> {
  const started = Date.now();
  await owner.query(
    `INSERT INTO tenants (id, name, retention_days) VALUES ($1, 'Gateway benchmark', 36500) ON CONFLICT (id) DO NOTHING`,
    [BENCH_TENANT],
  );
  await owner.query('DELETE FROM telemetry WHERE tenant_id = $1', [BENCH_TENANT]);
  await owner.query('DELETE FROM devices WHERE tenant_id = $1', [BENCH_TENANT]);
  await owner.query(
    `INSERT INTO devices (tenant_id, endpoint, name, category, latitude, longitude, status, registration_id,
                          registered_at, last_seen_at, lwm2m_version, binding, lifetime, queue_mode, object_versions)
     SELECT $1, 'bench-gw-' || g, 'meter ' || g, 'water', 45 + g / 10000.0, 4 + g / 10000.0, 'REGISTERED', 'r' || g,
            now(), now(), '1.1', 'UQ', 3600, true, '{"3": "1.1", "3424": "1.1"}'::jsonb
     FROM generate_series(1, $2) AS g`,
    [BENCH_TENANT, devices],
  );
  const paths = JSON.stringify(BENCH_PATHS.map(([path, metric, unit]) => ({ path, metric, unit })));
  await owner.query(
    `INSERT INTO device_state (tenant_id, device_id, path, metric, time, value_num, unit)
     SELECT d.tenant_id, d.id, p.path, p.metric, now(), random() * 100, p.unit
     FROM devices d CROSS JOIN jsonb_to_recordset($2::jsonb) AS p(path text, metric text, unit text)
     WHERE d.tenant_id = $1`,
    [BENCH_TENANT, paths],
  );
  progress(`devices and latest state: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const perSeries = Math.max(1, Math.floor(rows / (devices * BENCH_PATHS.length)));
  const { rows: ids } = await owner.query<{ id: string }>(
    'SELECT id FROM devices WHERE tenant_id = $1 ORDER BY id',
    [BENCH_TENANT],
  );
  const slice = 50;
  let inserted = 0;
  for (let i = 0; i < ids.length; i += slice) {
    const chunk = ids.slice(i, i + slice).map((r) => r.id);
    const result = await owner.query(
      `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num, unit)
       SELECT date_trunc('minute', now()) - make_interval(mins => 5 * g), $1, d, p.path, p.metric,
              CASE WHEN p.path = '/3424/0/1' THEN 100000 - g * 0.05 ELSE random() * 100 END, p.unit
       FROM unnest($2::uuid[]) AS d
       CROSS JOIN jsonb_to_recordset($3::jsonb) AS p(path text, metric text, unit text)
       CROSS JOIN generate_series(0, $4 - 1) AS g`,
      [BENCH_TENANT, chunk, paths, perSeries],
    );
    inserted += result.rowCount ?? 0;
    progress(
      `telemetry ${inserted.toLocaleString('en')} / ${(perSeries * devices * BENCH_PATHS.length).toLocaleString('en')} rows`,
    );
  }
  await owner.query('ANALYZE telemetry');
  await owner.query('ANALYZE devices');
  await owner.query('ANALYZE device_state');
  return { devices: ids.length, rows: inserted, seconds: (Date.now() - started) / 1000 };
}

export async function benchCounts(owner: Pool): Promise<{ devices: number; rows: number }> {
  const { rows } = await owner.query<{ devices: number; rows: number }>(
    `SELECT (SELECT count(*) FROM devices WHERE tenant_id = $1)::int AS devices,
            (SELECT count(*) FROM telemetry WHERE tenant_id = $1)::int AS rows`,
    [BENCH_TENANT],
  );
  return rows[0] ?? { devices: 0, rows: 0 };
}
