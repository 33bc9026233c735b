import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';
import { AGGREGATE_SQL, type Aggregate, type TelemetryRange } from './telemetry.query';

export interface BucketRow {
  readonly time: Date;
  readonly value: number | null;
  readonly count: number;
  readonly unit: string | null;
}

@Injectable()
export class TelemetryRepository {
  /**
   * time_bucket over the raw hypertable (uses the (device_id, metric|path, time) indexes; chunk exclusion keeps the
   * scan to the range). Runs in a tenant transaction: RLS applies to the hypertable.
   */
  async series(
    tx: TxClient,
    deviceId: string,
    selector: { metric?: string | null; path?: string | null },
    range: TelemetryRange,
    aggregate: Aggregate,
  ): Promise<BucketRow[]> {
    const params: unknown[] = [deviceId, range.from, range.to, range.bucketSeconds];
    const where = ['device_id = $1::uuid', 'time >= $2', 'time < $3'];
    if (selector.metric) {
      params.push(selector.metric);
      where.push(`metric = $${params.length}`);
    }
    if (selector.path) {
      params.push(selector.path);
      where.push(`path = $${params.length}`);
    }
    // A named (prepared) statement per variant: the hypertable's planning (chunk expansion) is the larger part of
    // this query's cost, and a prepared statement lets PostgreSQL reuse a plan on the same connection.
    const name = `gw-telemetry-${aggregate}-${selector.metric ? 'm' : ''}${selector.path ? 'p' : ''}`;
    const { rows } = await tx.query<BucketRow>({
      name,
      text: `SELECT time_bucket(make_interval(secs => $4), time) AS time, ${AGGREGATE_SQL[aggregate]} AS value,
              count(*)::int AS count, max(unit) AS unit
       FROM telemetry WHERE ${where.join(' AND ')}
       GROUP BY 1 ORDER BY 1`,
      values: params,
    });
    return rows;
  }
}
