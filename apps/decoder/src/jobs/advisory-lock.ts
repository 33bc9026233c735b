import { type Pool } from 'pg';

/**
 * Runs fn only if this process gets the session advisory lock `key` (pg_try_advisory_lock): with several decoder
 * instances, one of them runs each background job at a time. Returns undefined when another holds the lock.
 */
export async function withAdvisoryLock<T>(
  pool: Pool,
  key: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      key,
    ]);
    if (!rows[0]?.ok) return undefined;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch((err: Error) => {
        broken = err;
      });
    }
  } finally {
    client.release(broken);
  }
}
