import { LOCAL_STACK, loadConfig, secret } from '@smartcity/platform-config';
import { isTenantSlug } from '@smartcity/platform-contracts';
import { createPool } from '@smartcity/platform-db';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis, invalidateDeviceDirectory } from '@smartcity/platform-redis';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';

const USAGE =
  'provision <tenant> <endpoint>... [--profile <name>] [--category <c>] [--name <display name>] | provision --remove <endpoint>...';

const envSchema = z.object({
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  REDIS_URL: secret(z.string().default(LOCAL_STACK.redisUrl)),
});

/**
 * Provisions LwM2M endpoints into a tenant (until the gateway offers it): a device row per endpoint (endpoint names
 * are unique platform-wide, ARCHITECTURE.md "Tenancy"), then invalidates the ingest's device-directory cache so
 * the next Register sees the change at once (an unknown endpoint was cached as refused).
 */
export const command: CliCommand = {
  name: 'provision',
  summary: 'provision (or remove) LwM2M endpoints of a tenant for the ingest',
  async run(args, io) {
    const { values, positionals } = parse(args);
    const env = loadConfig(envSchema);
    const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
    const redis = createRedis({
      url: env.REDIS_URL,
      logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
    });
    try {
      if (values.remove) {
        if (positionals.length === 0) throw new CliUsageError(`usage: ${USAGE}`);
        const { rowCount } = await pool.query('DELETE FROM devices WHERE endpoint = ANY($1)', [positionals]);
        await invalidateDeviceDirectory(redis, positionals);
        io.stdout.write(`removed ${rowCount ?? 0} device(s)\n`);
        return 0;
      }
      const [tenant, ...endpoints] = positionals;
      if (!tenant || !isTenantSlug(tenant) || endpoints.length === 0)
        throw new CliUsageError(`usage: ${USAGE}`);
      for (const e of endpoints) {
        if (e.length < 1 || e.length > 255)
          throw new CliUsageError(`endpoint "${e}" must be 1..255 characters`);
      }
      const exists = await pool.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
      if (exists.rowCount === 0)
        throw new CliUsageError(`tenant "${tenant}" does not exist (see: tenant create)`);
      let created = 0;
      for (const endpoint of endpoints) {
        const r = await pool.query<{ tenant_id: string }>(
          `INSERT INTO devices (tenant_id, endpoint, name, profile, category)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (endpoint) DO UPDATE SET profile = COALESCE(EXCLUDED.profile, devices.profile),
             category = COALESCE(EXCLUDED.category, devices.category)
           WHERE devices.tenant_id = EXCLUDED.tenant_id
           RETURNING tenant_id`,
          [tenant, endpoint, values.name ?? endpoint, values.profile ?? null, values.category ?? null],
        );
        if (r.rowCount === 0) throw new CliUsageError(`endpoint "${endpoint}" belongs to another tenant`);
        created++;
      }
      await invalidateDeviceDirectory(redis, endpoints);
      io.stdout.write(`provisioned ${created} endpoint(s) in ${tenant}\n`);
      return 0;
    } finally {
      await pool.end();
      await closeRedis(redis);
    }
  },
};

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        category: { type: 'string' },
        name: { type: 'string' },
        remove: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}
