import { Pool, type PoolConfig } from 'pg';

export interface PoolSettings {
  readonly connectionString: string;
  readonly max?: number;
  /** Shown in pg_stat_activity, e.g. `decoder`. */
  readonly applicationName: string;
  readonly statementTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** Called for errors of idle clients (server restart, network); the pool replaces the client. */
  readonly onIdleError?: (err: Error) => void;
}

/**
 * A pg Pool with the platform's defaults. An idle client's error is reported, never thrown: without a listener
 * the pool's 'error' event would crash the process when the server closes an idle connection.
 */
export function createPool(settings: PoolSettings): Pool {
  const config: PoolConfig = {
    connectionString: settings.connectionString,
    max: settings.max ?? 10,
    application_name: settings.applicationName,
    idleTimeoutMillis: settings.idleTimeoutMs ?? 30_000,
    connectionTimeoutMillis: settings.connectionTimeoutMs ?? 10_000,
    ...(settings.statementTimeoutMs ? { statement_timeout: settings.statementTimeoutMs } : {}),
  };
  const pool = new Pool(config);
  pool.on('error', (err) => settings.onIdleError?.(err));
  return pool;
}

/** Readiness probe: one round trip. */
export async function pingDatabase(pool: Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
