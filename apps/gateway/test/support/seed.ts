import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { TEST_ENV } from './test-env.config';

export const OWNER_URL = TEST_ENV.ownerUrl;

export interface SeededCity {
  readonly tenant: string;
  readonly waterDeviceId: string;
  readonly lampDeviceId: string;
  readonly waterEndpoint: string;
  readonly alarmId: string;
}

export interface Seed {
  readonly run: string;
  readonly lyon: SeededCity;
  readonly porto: SeededCity;
  readonly owner: Pool;
  cleanup(): Promise<void>;
}

/**
 * Test data written through the owner role (the platform-admin path), unique per run: devices named
 * `gwt-<run>-...` in the demo cities `lyon` and `porto` (the tenants the demo users' organizations map to; created
 * when missing and left in place, other suites use them), with latest state, three hours of telemetry and an alarm.
 * Cleanup removes exactly what this run created.
 */
export async function seedCities(): Promise<Seed> {
  const run = randomBytes(4).toString('hex');
  const owner = new Pool({ connectionString: OWNER_URL, max: 2 });
  await owner.query(
    `INSERT INTO tenants (id, name) VALUES ('lyon', 'Lyon'), ('porto', 'Porto') ON CONFLICT (id) DO NOTHING`,
  );
  const deviceIds: string[] = [];
  const city = async (tenant: string): Promise<SeededCity> => {
    const insert = async (suffix: string, category: string, objects: Record<string, string>) => {
      const { rows } = await owner.query<{ id: string }>(
        `INSERT INTO devices (tenant_id, endpoint, name, category, latitude, longitude, status, registration_id,
                              registered_at, last_seen_at, lwm2m_version, binding, lifetime, queue_mode, object_versions)
         VALUES ($1, $2, $3, $4, 45.75, 4.85, 'REGISTERED', 'reg-1', now(), now(), '1.1', 'U', 300, false, $5)
         RETURNING id`,
        [tenant, `gwt-${run}-${tenant}-${suffix}`, `${tenant} ${suffix}`, category, JSON.stringify(objects)],
      );
      const id = rows[0]!.id;
      deviceIds.push(id);
      return id;
    };
    const water = await insert('water', 'water', { '3': '1.1', '3424': '1.1' });
    const lamp = await insert('lamp', 'lighting', { '3': '1.1', '3416': '2.0' });
    await owner.query(
      `INSERT INTO device_state (tenant_id, device_id, path, metric, time, value_num, value_bool, unit) VALUES
         ($1, $2, '/3424/0/1', 'water_meter.cumulated_water_volume', now(), 1234.5, NULL, 'm3'),
         ($1, $2, '/3424/0/10', 'water_meter.leak_detected', now(), NULL, true, NULL),
         ($1, $3, '/3416/0/3', 'outdoor_lamp_controller.dimming_level', now(), 80, NULL, '%'),
         ($1, $3, '/3416/0/5', 'outdoor_lamp_controller.lamp_failure', now(), NULL, false, NULL)`,
      [tenant, water, lamp],
    );
    // 3 h of volume readings every 10 minutes, +2 m3 each.
    await owner.query(
      `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num, unit)
       SELECT now() - make_interval(mins => 10 * g), $1, $2, '/3424/0/1', 'water_meter.cumulated_water_volume',
              1234.5 - 2 * g, 'm3'
       FROM generate_series(0, 17) AS g`,
      [tenant, water],
    );
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO alarms (tenant_id, device_id, type, severity, message, source_path, raised_at)
       VALUES ($1, $2, 'water.leak', 'MAJOR', 'leak detected', '/3424/0/10', now()) RETURNING id`,
      [tenant, water],
    );
    return {
      tenant,
      waterDeviceId: water,
      lampDeviceId: lamp,
      waterEndpoint: `gwt-${run}-${tenant}-water`,
      alarmId: rows[0]!.id,
    };
  };
  const lyon = await city('lyon');
  const porto = await city('porto');
  return {
    run,
    lyon,
    porto,
    owner,
    cleanup: async () => {
      const { rows } = await owner.query<{ id: string }>(`SELECT id FROM devices WHERE endpoint LIKE $1`, [
        `gwt-${run}-%`,
      ]);
      const ids = [...new Set([...deviceIds, ...rows.map((r) => r.id)])];
      await owner.query('DELETE FROM telemetry WHERE device_id = ANY($1::uuid[])', [ids]);
      await owner.query('DELETE FROM devices WHERE id = ANY($1::uuid[])', [ids]);
      await owner.end();
    },
  };
}
