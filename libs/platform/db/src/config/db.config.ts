import { LOCAL_STACK, positiveInt, secret } from '@smartcity/platform-config';
import { z } from 'zod';

/**
 * Database settings shared by the apps (spread into each app's config schema). Defaults reach the local stack.
 * DATABASE_URL is the application role (smartcity_app: owns nothing, NOBYPASSRLS); DATABASE_OWNER_URL the owner
 * role, used only by migrations and platform-admin operations.
 */
export const dbConfigShape = {
  DATABASE_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseUrl)),
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  DATABASE_POOL_MAX: positiveInt(10),
  /** Server-side statement timeout for the application pool, ms. */
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt(30_000),
};

export const migrateConfigSchema = z.object({
  DATABASE_OWNER_URL: dbConfigShape.DATABASE_OWNER_URL,
});
