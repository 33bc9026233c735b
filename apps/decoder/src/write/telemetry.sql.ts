import { type DecodedData, type TelemetryValue } from '../uplink/decoded-uplink';
import { booleanArrayLiteral, numberArrayLiteral, textArrayLiteral } from './pg-array';

/** A parameterized statement. */
export interface SqlStatement {
  readonly text: string;
  readonly values: unknown[];
}

/** Rows of one tenant's batch, column by column (what UNNEST consumes). */
export interface TelemetryColumns {
  readonly time: number[];
  readonly deviceId: string[];
  readonly path: string[];
  readonly metric: string[];
  readonly valueNum: (number | null)[];
  readonly valueBool: (boolean | null)[];
  readonly valueText: (string | null)[];
  readonly valueJson: (string | null)[];
  readonly unit: (string | null)[];
  readonly quality: (string | null)[];
}

export function emptyColumns(): TelemetryColumns {
  return {
    time: [],
    deviceId: [],
    path: [],
    metric: [],
    valueNum: [],
    valueBool: [],
    valueText: [],
    valueJson: [],
    unit: [],
    quality: [],
  };
}

export function pushValue(columns: TelemetryColumns, deviceId: string, v: TelemetryValue): void {
  columns.time.push(v.timeSec);
  columns.deviceId.push(deviceId);
  columns.path.push(v.path);
  columns.metric.push(v.metric);
  columns.valueNum.push(v.valueNum);
  columns.valueBool.push(v.valueBool);
  columns.valueText.push(v.valueText);
  columns.valueJson.push(v.valueJson);
  columns.unit.push(v.unit);
  columns.quality.push(v.quality);
}

function columnParams(c: TelemetryColumns): string[] {
  return [
    numberArrayLiteral(c.time),
    textArrayLiteral(c.deviceId),
    textArrayLiteral(c.path),
    textArrayLiteral(c.metric),
    numberArrayLiteral(c.valueNum),
    booleanArrayLiteral(c.valueBool),
    textArrayLiteral(c.valueText),
    textArrayLiteral(c.valueJson),
    textArrayLiteral(c.unit),
    textArrayLiteral(c.quality),
  ];
}

const UNNEST_COLUMNS = `unnest($2::float8[], $3::uuid[], $4::text[], $5::text[], $6::float8[], $7::bool[],
              $8::text[], $9::jsonb[], $10::text[], $11::text[]) AS x(t, d, p, m, vn, vb, vt, vj, u, q)`;

/**
 * One INSERT for a tenant's whole batch. ON CONFLICT DO NOTHING on the unique key (device_id, path, time): a
 * replayed message, or the same value twice in one batch, adds nothing. to_timestamp keeps microseconds.
 * `onConflict: 'fail'` leaves the clause out: a plain insert skips the speculative insertion (a unique-index probe
 * before each row and a confirmation WAL record after it), and a duplicate then fails the statement with 23505,
 * which telemetry-insert.ts answers by running the idempotent form instead.
 */
export function telemetryInsert(
  tenant: string,
  c: TelemetryColumns,
  onConflict: 'do-nothing' | 'fail' = 'do-nothing',
): SqlStatement {
  return {
    text: `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num, value_bool, value_text,
                            value_json, unit, quality)
SELECT to_timestamp(t), $1, d, p, m, vn, vb, vt, vj, u, q
FROM ${UNNEST_COLUMNS}${onConflict === 'do-nothing' ? '\nON CONFLICT DO NOTHING' : ''}`,
    values: [tenant, ...columnParams(c)],
  };
}

/**
 * The newest value of each (device, path) in the batch, in (device, path) order. The upsert needs each key once
 * (ON CONFLICT DO UPDATE cannot touch a row twice in one statement) and a stable lock order so two writers
 * never deadlock.
 */
export function latestPerPath(c: TelemetryColumns): TelemetryColumns {
  // device -> path -> index of its newest value (nested maps: no key string per value on the hot path)
  const newest = new Map<string, Map<string, number>>();
  for (let i = 0; i < c.time.length; i++) {
    const device = c.deviceId[i]!;
    let paths = newest.get(device);
    if (!paths) newest.set(device, (paths = new Map()));
    const path = c.path[i]!;
    const prev = paths.get(path);
    if (prev === undefined || c.time[prev]! < c.time[i]!) paths.set(path, i);
  }
  const order: number[] = [];
  for (const device of [...newest.keys()].sort()) {
    const paths = newest.get(device)!;
    for (const path of [...paths.keys()].sort()) order.push(paths.get(path)!);
  }
  const out = emptyColumns();
  for (const i of order) {
    out.time.push(c.time[i]!);
    out.deviceId.push(c.deviceId[i]!);
    out.path.push(c.path[i]!);
    out.metric.push(c.metric[i]!);
    out.valueNum.push(c.valueNum[i]!);
    out.valueBool.push(c.valueBool[i]!);
    out.valueText.push(c.valueText[i]!);
    out.valueJson.push(c.valueJson[i]!);
    out.unit.push(c.unit[i]!);
    out.quality.push(c.quality[i]!);
  }
  return out;
}

/**
 * Latest-state upsert: a row is replaced only by a value at a newer time, or at the same time with a different
 * value, so out-of-order values never move the state backwards and a replayed batch rewrites nothing (no new row
 * version, no WAL: crash recovery replays whole batches). The keys returned are the ones to announce live: every
 * key written, plus the keys whose state already is exactly this value (a retried or replayed batch announces its
 * values again: at-least-once, issue 16 finding 1, where a strictly-newer guard announced nothing the second time
 * and the live update of the first run was lost). The second set is read from the statement's snapshot, which
 * the data-modifying CTE does not change.
 */
export function deviceStateUpsert(tenant: string, latest: TelemetryColumns): SqlStatement {
  return {
    text: `WITH x AS (
  SELECT d, p, m, to_timestamp(t) AS ts, vn, vb, vt, vj, u, q FROM ${UNNEST_COLUMNS}
), written AS (
  INSERT INTO device_state AS s (tenant_id, device_id, path, metric, time, value_num, value_bool, value_text,
                                 value_json, unit, quality, updated_at)
  SELECT $1, d, p, m, ts, vn, vb, vt, vj, u, q, now() FROM x
  ON CONFLICT (device_id, path) DO UPDATE SET
    metric = EXCLUDED.metric, time = EXCLUDED.time, value_num = EXCLUDED.value_num,
    value_bool = EXCLUDED.value_bool, value_text = EXCLUDED.value_text, value_json = EXCLUDED.value_json,
    unit = EXCLUDED.unit, quality = EXCLUDED.quality, updated_at = now()
  WHERE s.time < EXCLUDED.time
     OR (s.time = EXCLUDED.time
         AND (s.metric, s.value_num, s.value_bool, s.value_text, s.value_json, s.unit, s.quality)
             IS DISTINCT FROM (EXCLUDED.metric, EXCLUDED.value_num, EXCLUDED.value_bool, EXCLUDED.value_text,
                               EXCLUDED.value_json, EXCLUDED.unit, EXCLUDED.quality))
  RETURNING s.device_id, s.path
)
SELECT device_id::text, path FROM written
UNION ALL
SELECT x.d::text, x.p FROM x JOIN device_state s ON s.device_id = x.d AND s.path = x.p
WHERE s.time = x.ts
  AND (s.metric, s.value_num, s.value_bool, s.value_text, s.value_json, s.unit, s.quality)
      IS NOT DISTINCT FROM (x.m, x.vn, x.vb, x.vt, x.vj, x.u, x.q)`,
    values: [tenant, ...columnParams(latest)],
  };
}

/**
 * Moves devices' last_seen_at forward to the uplinks' receive times. Rows are only rewritten when the stored value
 * is more than `thresholdSec` older, which bounds the staleness of last_seen_at while sparing one row update per
 * device and batch (each update is a new row version in PostgreSQL).
 */
export function lastSeenUpdate(seen: ReadonlyMap<string, number>, thresholdSec = 30): SqlStatement {
  const ids = [...seen.keys()].sort();
  return {
    text: `UPDATE devices AS d SET last_seen_at = to_timestamp(x.s)
FROM unnest($1::uuid[], $2::float8[]) AS x(id, s)
WHERE d.id = x.id AND (d.last_seen_at IS NULL OR d.last_seen_at < to_timestamp(x.s) - make_interval(secs => $3))`,
    values: [textArrayLiteral(ids), numberArrayLiteral(ids.map((id) => seen.get(id)!)), thresholdSec],
  };
}

/** Start of the hour containing `timeSec` (seconds). */
export function hourBucket(timeSec: number): number {
  return Math.floor(timeSec / 3600) * 3600;
}

/**
 * Marks the hours a batch wrote as needing a rollup recompute. The version bump tells the rollup job that the
 * hour changed after it read the mark. Buckets are distinct and ascending (lock order).
 */
export function rollupMarks(tenant: string, bucketsSec: Iterable<number>): SqlStatement {
  const buckets = [...new Set(bucketsSec)].sort((a, b) => a - b);
  return {
    text: `INSERT INTO telemetry_rollup_pending AS r (tenant_id, bucket)
SELECT $1, to_timestamp(b) FROM unnest($2::float8[]) AS x(b)
ON CONFLICT (tenant_id, bucket) DO UPDATE SET version = r.version + 1`,
    values: [tenant, numberArrayLiteral(buckets)],
  };
}

/** Columns of every value of the given data uplinks, plus the receive time per device. */
export function collectTelemetry(uplinks: readonly DecodedData[]): {
  columns: TelemetryColumns;
  seen: Map<string, number>;
  buckets: Set<number>;
} {
  const columns = emptyColumns();
  const seen = new Map<string, number>();
  const buckets = new Set<number>();
  for (const u of uplinks) {
    const deviceId = u.message.deviceId;
    const received = u.message.receivedAt / 1000;
    const prev = seen.get(deviceId);
    if (prev === undefined || prev < received) seen.set(deviceId, received);
    for (const v of u.values) {
      pushValue(columns, deviceId, v);
      buckets.add(hourBucket(v.timeSec));
    }
  }
  return { columns, seen, buckets };
}
