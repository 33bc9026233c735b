import { type Pool } from 'pg';

export interface RetentionOutcome {
  readonly droppedChunks: number;
  readonly deletedRows: number;
}

/**
 * Per-tenant retention of raw telemetry, from the application's scheduler (add_retention_policy is refused under
 * the apache license). platform.apply_retention drops the chunks older than the longest tenant retention (a chunk
 * holds every tenant's rows, so drop_chunks cannot be per tenant) and deletes, one day-window at a time, the older
 * rows of tenants whose retention is shorter. Each call is bounded; calling again continues.
 */
export class RetentionJob {
  constructor(
    private readonly pool: Pool,
    private readonly maxWindowsPerCall = 24,
    private readonly maxCalls = 10,
  ) {}

  async run(): Promise<RetentionOutcome> {
    let droppedChunks = 0;
    let deletedRows = 0;
    for (let call = 0; call < this.maxCalls; call++) {
      const { rows } = await this.pool.query<{
        tenant_id: string | null;
        deleted_rows: string;
        dropped_chunks: number;
      }>('SELECT * FROM platform.apply_retention($1)', [this.maxWindowsPerCall]);
      let deletedThisCall = 0;
      for (const r of rows) {
        droppedChunks += r.dropped_chunks;
        deletedThisCall += Number(r.deleted_rows);
      }
      deletedRows += deletedThisCall;
      if (deletedThisCall === 0) break;
    }
    return { droppedChunks, deletedRows };
  }
}
