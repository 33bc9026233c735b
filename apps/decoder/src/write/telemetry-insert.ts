import { type TxClient } from '@smartcity/platform-db';
import { type TelemetryColumns, telemetryInsert } from './telemetry.sql';

/** PostgreSQL Appendix A: unique_violation. */
const UNIQUE_VIOLATION = '23505';
const SAVEPOINT = 'telemetry_rows';

/** How a batch's rows went in: `plain` on the fast path, `idempotent` after a duplicate sent it to the fallback. */
export type TelemetryInsertPath = 'plain' | 'idempotent';

/**
 * Inserts a tenant's telemetry rows inside the caller's transaction, idempotently. Most batches carry no row that
 * is stored already, so the plain INSERT goes first (measured: ON CONFLICT DO NOTHING costs about a quarter of the
 * insert's CPU, docs/storage.md); a duplicate (a replay after a crash or a failed offset commit, a retried batch,
 * the same value twice in one batch, a concurrent writer of the same key) fails it with unique_violation, and the
 * rows are then inserted again with ON CONFLICT DO NOTHING after rolling back to the savepoint, which discards
 * the plain attempt's rows. The outcome is the same rows either way; only the cost of a replayed batch grows.
 */
export async function insertTelemetry(
  client: TxClient,
  tenant: string,
  columns: TelemetryColumns,
): Promise<TelemetryInsertPath> {
  await client.query(`SAVEPOINT ${SAVEPOINT}`);
  try {
    await client.query(telemetryInsert(tenant, columns, 'fail'));
    return 'plain';
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code !== UNIQUE_VIOLATION) throw err;
  }
  await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
  await client.query(telemetryInsert(tenant, columns, 'do-nothing'));
  return 'idempotent';
}
