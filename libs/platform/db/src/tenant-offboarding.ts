import { TENANT_SLUG } from '@smartcity/platform-contracts';
import { type Pool, type PoolClient } from 'pg';
import { DbError, DbErrorCode } from './db.errors';

/** What an export contains, in order: the tenant and everything that hangs off it (issue 17 item 6). */
export const EXPORT_TABLES = [
  'tenants',
  'tenant_quotas',
  'device_profiles',
  'devices',
  'registrations',
  'device_state',
  'alarms',
  'commands',
  'telemetry',
  'telemetry_hourly',
  'tenant_usage_daily',
] as const;

export type ExportTable = (typeof EXPORT_TABLES)[number];

/** Receives the rows of an export, table by table, in batches (a file writer, a stream). */
export type ExportSink = (
  table: ExportTable,
  rows: readonly Record<string, unknown>[],
) => Promise<void> | void;

const ORDER: Partial<Record<ExportTable, string>> = { telemetry: 'time', telemetry_hourly: 'bucket' };

function checkedSlug(tenant: string): string {
  if (!TENANT_SLUG.test(tenant))
    throw new DbError(DbErrorCode.InvalidTenant, `invalid tenant slug "${tenant}"`);
  return tenant;
}

/**
 * Exports every row of a tenant through the owner role, from one consistent snapshot (REPEATABLE READ, read only),
 * streamed with server-side cursors so a city's years of telemetry never sit in memory. Returns rows per table.
 */
export async function exportTenant(
  ownerPool: Pool,
  tenant: string,
  sink: ExportSink,
  batchSize = 5_000,
): Promise<Record<ExportTable, number>> {
  const slug = checkedSlug(tenant);
  const counts = {} as Record<ExportTable, number>;
  const client = await ownerPool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const table of EXPORT_TABLES) {
      const column = table === 'tenants' ? 'id' : 'tenant_id';
      const order = ORDER[table] ? ` ORDER BY ${ORDER[table]}` : '';
      // The slug matched TENANT_SLUG ([a-z0-9-]) above, so inlining it cannot break out of the literal.
      await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR
        SELECT * FROM ${table} WHERE ${column} = '${slug}'${order}`);
      counts[table] = 0;
      for (;;) {
        const { rows } = await client.query<Record<string, unknown>>(`FETCH ${batchSize} FROM export_cursor`);
        if (rows.length === 0) break;
        counts[table] += rows.length;
        await sink(table, rows);
      }
      await client.query('CLOSE export_cursor');
    }
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Deletes every row of a tenant in one transaction: every table of the schema with a `tenant_id` column (the
 * hypertables and any table added later, e.g. device credentials), then the tenant. Tables are retried in passes
 * (a savepoint per table) so foreign keys between them decide the order. Returns deleted rows per table.
 */
export async function purgeTenant(ownerPool: Pool, tenant: string): Promise<Record<string, number>> {
  const slug = checkedSlug(tenant);
  const client = await ownerPool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
       ORDER BY 1`,
    );
    const deleted = await deleteInPasses(
      client,
      slug,
      rows.map((r) => r.table_name),
    );
    const tenantRow = await client.query('DELETE FROM tenants WHERE id = $1', [slug]);
    deleted['tenants'] = tenantRow.rowCount ?? 0;
    await client.query('COMMIT');
    return deleted;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function deleteInPasses(
  client: PoolClient,
  tenant: string,
  tables: string[],
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  let pending = tables;
  while (pending.length > 0) {
    const blocked: string[] = [];
    let lastError: unknown;
    for (const table of pending) {
      await client.query('SAVEPOINT purge_table');
      try {
        const result = await client.query(`DELETE FROM ${quoteIdent(table)} WHERE tenant_id = $1`, [tenant]);
        deleted[table] = (deleted[table] ?? 0) + (result.rowCount ?? 0);
        await client.query('RELEASE SAVEPOINT purge_table');
      } catch (err) {
        // 23503: rows of another table of this tenant still reference these; they go in this pass.
        await client.query('ROLLBACK TO SAVEPOINT purge_table');
        if ((err as { code?: unknown }).code !== '23503') throw err;
        blocked.push(table);
        lastError = err;
      }
    }
    if (blocked.length === pending.length) throw lastError;
    pending = blocked;
  }
  return deleted;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
