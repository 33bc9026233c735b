import { LOCAL_STACK, list, loadConfig, secret } from '@smartcity/platform-config';
import { cityEventsTopic, cityTelemetryTopic, isTenantSlug } from '@smartcity/platform-contracts';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { ensureTopics, KafkaClient } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis } from '@smartcity/platform-redis';
import { parseArgs } from 'node:util';
import { type Pool } from 'pg';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';
import { KeycloakAdmin } from '../keycloak/keycloak-admin';
import { deleteTenantEverywhere, exportTenantTo } from '../tenants/offboarding';

const USAGE =
  'tenant create|ensure <slug> --name <name> [--auto-provision-prefix <prefix>] [--profile <name> [--observe <json>]] | tenant list' +
  ' | tenant export <slug> --out <dir> | tenant delete <slug> --yes [--export <dir>]';

const envSchema = z.object({
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  KAFKA_BROKERS: list(LOCAL_STACK.kafkaBrokers),
  REDIS_URL: secret(z.string().min(1).default(LOCAL_STACK.redisUrl)),
  /** The ingest's key prefix (its REDIS_KEY_PREFIX): registrations of a deleted city's endpoints are removed. */
  INGEST_REDIS_KEY_PREFIX: z.string().default('sc:ingest:'),
  KEYCLOAK_URL: z.url().default(LOCAL_STACK.keycloakUrl),
  KEYCLOAK_REALM: z.string().min(1).default(LOCAL_STACK.keycloakRealm),
  KEYCLOAK_ADMIN_USERNAME: z.string().min(1).default('admin'),
  KEYCLOAK_ADMIN_PASSWORD: secret(z.string().min(1).default('admin')),
});

/** Partitions of a city's partner topics (keyed by device id). */
const PARTNER_TOPIC_PARTITIONS = 6;

/**
 * Operator command for cities (tenants): the database row and the city's partner topics. Keycloak organizations
 * are managed by the gateway's `createTenant` mutation; the demo cities' organizations come with the dev realm.
 */
export const command: CliCommand = {
  name: 'tenant',
  summary: 'create, list, export or delete cities (tenants): rows, partner topics, organization, Redis',
  async run(args, io) {
    const [action, ...rest] = args;
    const env = loadConfig(envSchema);
    const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
    try {
      if (action === 'list') {
        const { rows } = await pool.query(
          `SELECT t.id, t.name, t.auto_provision_prefix AS prefix,
                  (SELECT count(*) FROM devices d WHERE d.tenant_id = t.id)::int AS devices
             FROM tenants t ORDER BY t.id`,
        );
        io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return 0;
      }
      if (action === 'export' || action === 'delete') return await offboard(action, rest, env, pool, io);
      if (action !== 'create' && action !== 'ensure') throw new CliUsageError(`usage: ${USAGE}`);
      const { values, positionals } = parseCreate(rest);
      const slug = positionals[0];
      if (!slug || !isTenantSlug(slug))
        throw new CliUsageError(`a tenant slug [a-z0-9-]{2,32} is required; ${USAGE}`);
      if (!values.name) throw new CliUsageError('--name is required');
      const observe = values.observe === undefined ? undefined : parseObserve(values.observe);
      if (observe && !values.profile) throw new CliUsageError('--observe needs --profile');
      const tenant = {
        id: slug,
        name: values.name,
        autoProvision: values['auto-provision-prefix'] !== undefined,
        autoProvisionPrefix: values['auto-provision-prefix'] ?? null,
        autoProvisionProfile: values.profile ?? null,
      };
      const tenants = new TenantAdminRepository(pool);
      if (action === 'create') {
        if (await tenants.exists(slug)) throw new CliUsageError(`tenant "${slug}" already exists`);
        await tenants.create(tenant);
      } else {
        await upsertTenant(pool, tenant);
      }
      if (observe && values.profile) {
        // What the ingest observes on devices of this profile, with notification attributes (Core 1.1.1 §5.1.2).
        await pool.query(
          `INSERT INTO device_profiles (tenant_id, name, observe) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, name) DO UPDATE SET observe = EXCLUDED.observe, updated_at = now()`,
          [slug, values.profile, JSON.stringify(observe)],
        );
      }
      const kafka = new KafkaClient({
        clientId: 'smartcity-cli',
        brokers: env.KAFKA_BROKERS,
        logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
      });
      await ensureTopics(kafka, [
        { topic: cityTelemetryTopic(slug), partitions: PARTNER_TOPIC_PARTITIONS },
        { topic: cityEventsTopic(slug), partitions: PARTNER_TOPIC_PARTITIONS },
      ]);
      io.stdout.write(`tenant ${slug} ready\n`);
      return 0;
    } finally {
      await pool.end();
    }
  },
};

/**
 * `tenant export <slug> --out <dir>`: the city's rows as NDJSON files. `tenant delete <slug> --yes [--export <dir>]`:
 * exports first when asked, then deletes the city everywhere (database, Kafka topics and ACLs, Keycloak
 * organization, Redis); prints what was removed.
 */
async function offboard(
  action: 'export' | 'delete',
  args: string[],
  env: z.infer<typeof envSchema>,
  pool: Pool,
  io: Parameters<CliCommand['run']>[1],
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, export: { type: 'string' }, yes: { type: 'boolean' } },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const slug = parsed.positionals[0];
  if (!slug || !isTenantSlug(slug))
    throw new CliUsageError(`a tenant slug [a-z0-9-]{2,32} is required; ${USAGE}`);
  const dir = action === 'export' ? parsed.values.out : parsed.values.export;
  if (action === 'export' && !dir) throw new CliUsageError('--out <dir> is required');
  if (action === 'delete' && !parsed.values.yes)
    throw new CliUsageError(`tenant delete removes ${slug} for good: add --yes`);
  if (!(await new TenantAdminRepository(pool).exists(slug)) && action === 'export') {
    throw new CliUsageError(`tenant "${slug}" does not exist`);
  }
  if (dir) {
    const counts = await exportTenantTo(pool, slug, dir);
    io.stdout.write(`tenant ${slug} exported to ${dir}: ${JSON.stringify(counts)}\n`);
  }
  if (action === 'export') return 0;
  const kafka = new KafkaClient({
    clientId: 'smartcity-cli',
    brokers: env.KAFKA_BROKERS,
    logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
  });
  const redis = createRedis({
    url: env.REDIS_URL,
    logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
    name: 'cli',
  });
  try {
    const report = await deleteTenantEverywhere(
      {
        ownerPool: pool,
        kafka,
        redis,
        keycloak: new KeycloakAdmin({
          url: env.KEYCLOAK_URL,
          realm: env.KEYCLOAK_REALM,
          adminUser: env.KEYCLOAK_ADMIN_USERNAME,
          adminPassword: env.KEYCLOAK_ADMIN_PASSWORD,
        }),
        ingestPrefix: env.INGEST_REDIS_KEY_PREFIX,
      },
      slug,
    );
    io.stdout.write(`tenant ${slug} deleted: ${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await closeRedis(redis);
  }
}

function parseCreate(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        'auto-provision-prefix': { type: 'string' },
        profile: { type: 'string' },
        observe: { type: 'string' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

type TenantRow = Parameters<TenantAdminRepository['create']>[0];

/** `ensure`: creates the city or brings its name and auto-provisioning settings to the given values. */
async function upsertTenant(pool: Pool, tenant: TenantRow): Promise<void> {
  await pool.query(
    `INSERT INTO tenants (id, name, auto_provision, auto_provision_prefix, auto_provision_profile)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, auto_provision = EXCLUDED.auto_provision,
       auto_provision_prefix = EXCLUDED.auto_provision_prefix, auto_provision_profile = EXCLUDED.auto_provision_profile`,
    [
      tenant.id,
      tenant.name,
      tenant.autoProvision ?? false,
      tenant.autoProvisionPrefix ?? null,
      tenant.autoProvisionProfile ?? null,
    ],
  );
}

const observeSpec = z
  .array(
    z.object({
      path: z.string().regex(/^\/\d{1,5}(\/\d{1,5}){0,3}$/),
      attributes: z
        .partialRecord(z.enum(['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax']), z.number())
        .optional(),
    }),
  )
  .max(100);

function parseObserve(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliUsageError(
      '--observe must be JSON, e.g. [{"path":"/3424/0/1","attributes":{"pmin":10,"pmax":60}}]',
    );
  }
  const result = observeSpec.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CliUsageError(
      `--observe: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}
