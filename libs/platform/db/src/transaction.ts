import { TENANT_SLUG } from '@smartcity/platform-contracts';
import { type Pool, type PoolClient } from 'pg';
import { DbError, DbErrorCode } from './db.errors';

/** A client inside an open transaction; do not COMMIT/ROLLBACK it yourself. */
export type TxClient = Pick<PoolClient, 'query'>;

/**
 * Runs fn in a transaction whose row-level security tenant is `tenant`: BEGIN, `set_config('app.tenant_id',
 * tenant, true)` (is_local = true: the setting ends with the transaction, so a pooled connection never carries
 * it to the next user), fn, COMMIT; ROLLBACK when fn throws. The policies compare every row's tenant_id with it.
 */
export async function withTenant<T>(
  pool: Pool,
  tenant: string,
  fn: (client: TxClient) => Promise<T>,
): Promise<T> {
  if (!TENANT_SLUG.test(tenant)) {
    throw new DbError(DbErrorCode.InvalidTenant, `invalid tenant slug "${tenant}"`);
  }
  // One round trip for BEGIN and the setting (simple query protocol, two statements). Inlining the slug is safe:
  // it matched TENANT_SLUG ([a-z0-9-] only) above, so it cannot close the literal.
  return inTransaction(pool, `BEGIN; SELECT set_config('app.tenant_id', '${tenant}', true)`, fn);
}

/**
 * The platform-admin path: a plain transaction on a pool of the owner role (its policies see every tenant).
 * For cross-tenant administration only (tenant creation, maintenance); request paths use withTenant.
 */
export function withPlatformAdmin<T>(ownerPool: Pool, fn: (client: TxClient) => Promise<T>): Promise<T> {
  return inTransaction(ownerPool, 'BEGIN', fn);
}

async function inTransaction<T>(pool: Pool, begin: string, fn: (client: TxClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // The connection is unusable (e.g. the server went away): destroy it instead of returning it to the pool.
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
