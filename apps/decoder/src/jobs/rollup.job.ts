import { withTenant } from '@smartcity/platform-db';
import { type Pool } from 'pg';

/**
 * Recomputes telemetry_hourly for the hours the decoder marked in telemetry_rollup_pending (application rollups:
 * continuous aggregates are unavailable under the apache license and cannot be combined with RLS,
 * timescaledb#6832). Recomputing an hour from the raw rows is idempotent. A mark is deleted only if its version is
 * still the one read: a batch that wrote into the hour meanwhile bumped it, so the hour is recomputed again.
 */
export const ROLLUP_SQL = `INSERT INTO telemetry_hourly AS h (bucket, tenant_id, device_id, path, metric, unit, samples,
  num_count, num_min, num_max, num_avg, num_sum, first_time, last_time, last_num)
SELECT $2::timestamptz, $1, device_id, path,
       (array_agg(metric ORDER BY time DESC))[1], (array_agg(unit ORDER BY time DESC))[1],
       count(*), count(value_num), min(value_num), max(value_num), avg(value_num), sum(value_num),
       min(time), max(time), (array_agg(value_num ORDER BY time DESC))[1]
FROM telemetry
WHERE tenant_id = $1 AND time >= $2::timestamptz AND time < $2::timestamptz + interval '1 hour'
GROUP BY device_id, path
ON CONFLICT (device_id, path, bucket) DO UPDATE SET
  metric = EXCLUDED.metric, unit = EXCLUDED.unit, samples = EXCLUDED.samples, num_count = EXCLUDED.num_count,
  num_min = EXCLUDED.num_min, num_max = EXCLUDED.num_max, num_avg = EXCLUDED.num_avg, num_sum = EXCLUDED.num_sum,
  first_time = EXCLUDED.first_time, last_time = EXCLUDED.last_time, last_num = EXCLUDED.last_num`;

export class RollupJob {
  constructor(
    private readonly pool: Pool,
    private readonly maxHoursPerTenant = 48,
  ) {}

  /** Returns the number of tenant-hours recomputed. */
  async run(): Promise<number> {
    const { rows: tenants } = await this.pool.query<{ id: string }>('SELECT platform.tenant_ids() AS id');
    let done = 0;
    for (const { id: tenant } of tenants) {
      const marks = await withTenant(this.pool, tenant, async (client) => {
        const { rows } = await client.query<{ bucket: Date; version: string }>(
          'SELECT bucket, version FROM telemetry_rollup_pending WHERE tenant_id = $1 ORDER BY bucket LIMIT $2',
          [tenant, this.maxHoursPerTenant],
        );
        return rows;
      });
      for (const mark of marks) {
        await withTenant(this.pool, tenant, async (client) => {
          await client.query(ROLLUP_SQL, [tenant, mark.bucket]);
          await client.query(
            'DELETE FROM telemetry_rollup_pending WHERE tenant_id = $1 AND bucket = $2 AND version = $3',
            [tenant, mark.bucket, mark.version],
          );
        });
        done++;
      }
    }
    return done;
  }
}
