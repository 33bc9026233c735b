import { type Pool } from 'pg';
import { REPORT_PATHS, seqOfValue } from './lean-datagrams';
import { type LeanDeviceState } from './lean-fleet';

/** Every acknowledged message of the lean fleet against its rows, once the pipeline drained. */
export interface RowAudit {
  /** Messages answered 2.04 (in Kafka, as the ingest promises). */
  readonly acknowledged: number;
  readonly expectedRows: number;
  readonly storedRows: number;
  /** Rows of acknowledged messages that are not in TimescaleDB. */
  readonly lost: number;
  /** Rows stored more than once (same value of one device and path). */
  readonly duplicated: number;
  /** Rows of no acknowledged message: beyond what the device sent, or of a refused one. */
  readonly unexpected: number;
  /** Messages sent but never answered when the fleet stopped: their rows may or may not be stored. */
  readonly inFlightAtEnd: number;
  readonly ok: boolean;
}

/**
 * Message `seq` of device i carries reportValue(k, seq) on report path k (lean-datagrams.ts), so per device and
 * path the stored values must be exactly the acknowledged sequence numbers: as many rows as acknowledged messages
 * (plus the one in flight at the end, if it was stored), all distinct, none beyond the last one sent.
 */
export async function auditRows(pool: Pool, tenant: string, state: LeanDeviceState): Promise<RowAudit> {
  const { rows } = await pool.query<[string, string, number, number, number, number]>({
    text: `SELECT d.endpoint, t.path, count(*)::int, count(DISTINCT t.value_num)::int, min(t.value_num), max(t.value_num)
             FROM telemetry t JOIN devices d ON d.id = t.device_id
            WHERE t.tenant_id = $1 AND t.path = ANY($2)
            GROUP BY 1, 2`,
    values: [tenant, [...REPORT_PATHS]],
    rowMode: 'array',
  });
  const stored = new Map<string, { count: number; distinct: number; min: number; max: number }>();
  for (const [endpoint, path, count, distinct, min, max] of rows)
    stored.set(`${endpoint} ${path}`, { count, distinct, min, max });
  const droppedOf = new Map<number, number>();
  for (const [d] of state.dropped) droppedOf.set(d, (droppedOf.get(d) ?? 0) + 1);
  let acknowledged = 0;
  let storedRows = 0;
  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  let inFlightAtEnd = 0;
  state.endpoints.forEach((endpoint, d) => {
    const settled = state.settled[d]!;
    const acked = settled - (droppedOf.get(d) ?? 0);
    const attempted = state.attempted[d] === 1;
    acknowledged += acked;
    if (attempted) inFlightAtEnd++;
    REPORT_PATHS.forEach((path, k) => {
      const s = stored.get(`${endpoint} ${path}`);
      if (!s) {
        lost += acked;
        return;
      }
      storedRows += s.count;
      duplicated += s.count - s.distinct;
      const last = seqOfValue(k, s.max);
      const hasInFlight = attempted && last === settled;
      if (seqOfValue(k, s.min) < 0 || last > (attempted ? settled : settled - 1)) unexpected++;
      const expected = acked + (hasInFlight ? 1 : 0);
      lost += Math.max(0, expected - s.distinct);
      unexpected += Math.max(0, s.distinct - expected);
    });
  });
  return {
    acknowledged,
    expectedRows: acknowledged * REPORT_PATHS.length,
    storedRows,
    lost,
    duplicated,
    unexpected,
    inFlightAtEnd,
    ok: lost === 0 && duplicated === 0 && unexpected === 0,
  };
}
