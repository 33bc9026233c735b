import { join } from 'node:path';
// node-pg-migrate 9 publishes its types through package.json "exports" only, which this workspace's `node`
// module resolution does not read: take the types from the bundle's declaration file.
import type * as PgMigrate from 'node-pg-migrate/dist/bundle/index';

/**
 * Loaded on first use, not at import: the package is ESM-only and Node >= 20.19 can require() it, but Jest's
 * module system cannot, and every importer of this library (repositories, error helpers) would pay for it.
 */
function loadRunner(): typeof PgMigrate.runner {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node-pg-migrate') as typeof PgMigrate).runner;
}

/** The SQL migrations (node-pg-migrate format: `-- Up Migration` / `-- Down Migration` sections). */
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const MIGRATIONS_TABLE = 'pgmigrations';

export interface MigrateOptions {
  /** Owner role connection string: migrations create the objects the owner role owns. */
  readonly databaseUrl: string;
  readonly direction: 'up' | 'down';
  /** Migrations to apply; default all for up, one for down. */
  readonly count?: number;
  readonly log?: (message: string) => void;
}

/**
 * Applies migrations. Each run is one transaction (all pending migrations or none), and concurrent runs (the
 * stack's after-up hook, test setups) wait on node-pg-migrate's advisory lock instead of failing.
 * Returns the names of the migrations run.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const logger = { debug: () => undefined, info: log, warn: log, error: log };
  const ran = await loadRunner()({
    databaseUrl: options.databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: options.direction,
    count: options.count ?? (options.direction === 'up' ? Infinity : 1),
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger,
  });
  return ran.map((m) => m.name);
}
