import { LOCAL_STACK, loadConfig, secret } from '@smartcity/platform-config';
import { cityEventsTopic, cityTelemetryTopic, isTenantSlug } from '@smartcity/platform-contracts';
import {
  createPool,
  CredentialInputError,
  CredentialKeyring,
  DeviceCredentialRepository,
  parseSha256Hex,
  TenantAdminRepository,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { ensureTopics, KafkaClient, kafkaConfigShape, kafkaConnection } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import {
  closeRedis,
  createRedis,
  invalidateDeviceDirectory,
  publishCertificateAuthorityChange,
  publishDeviceChanges,
  type Redis,
} from '@smartcity/platform-redis';
import { parseArgs } from 'node:util';
import { type Pool } from 'pg';
import { z } from 'zod';
import { readCaPem } from './ca-file';
import { CliUsageError, type CliCommand } from '../cli-command';
import { KeycloakAdmin } from '../keycloak/keycloak-admin';
import { deleteTenantEverywhere, exportTenantTo } from '../tenants/offboarding';

const USAGE =
  'tenant create|ensure <slug> --name <name> [--auto-provision-prefix <prefix>] [--profile <name> [--observe <json>]]' +
  ' [--allow-nosec | --refuse-nosec] | tenant list | tenant ca add <slug> <ca.pem> | tenant ca list <slug>' +
  ' | tenant ca remove <slug> <sha256> | tenant export <slug> --out <dir> | tenant delete <slug> --yes [--export <dir>]';

const envSchema = z.object({
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  ...kafkaConfigShape,
  REDIS_URL: secret(z.string().min(1).default(LOCAL_STACK.redisUrl)),
  /** The ingest's key prefix (its REDIS_KEY_PREFIX): registrations of a deleted city's endpoints are removed. */
  INGEST_REDIS_KEY_PREFIX: z.string().default('sc:ingest:'),
  KEYCLOAK_URL: z.url().default(LOCAL_STACK.keycloakUrl),
  KEYCLOAK_REALM: z.string().min(1).default(LOCAL_STACK.keycloakRealm),
  KEYCLOAK_ADMIN_USERNAME: z.string().min(1).default('admin'),
  KEYCLOAK_ADMIN_PASSWORD: secret(z.string().min(1).default('admin')),
  /** The repository of device credentials needs the keyring even for CAs (one repository, one configuration). */
  CREDENTIAL_KEYS: secret(z.string().min(1).default(LOCAL_STACK.credentialKeys)),
});

/** Partitions of a city's partner topics (keyed by device id). */
const PARTNER_TOPIC_PARTITIONS = 6;

/**
 * Operator command for cities (tenants): the database row and the city's partner topics. Keycloak organizations
 * are managed by the gateway's `createTenant` mutation; the demo cities' organizations come with the dev realm.
 *
 * NoSec (devices without a credential over plain CoAP) is refused by a new tenant unless `--allow-nosec` is given;
 * `ensure` of an existing tenant keeps its setting unless `--allow-nosec` or `--refuse-nosec` is given (refusing it
 * drops the live registrations of its NoSec devices at once). `tenant ca add` adds an X.509 CA for its devices.
 */
export const command: CliCommand = {
  name: 'tenant',
  usage: USAGE,
  summary: 'create, list, export or delete cities (tenants): rows, partner topics, organization, Redis',
  async run(args, io) {
    const [action, ...rest] = args;
    const env = loadConfig(envSchema);
    const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
    try {
      if (action === 'list') {
        const { rows } = await pool.query(
          `SELECT t.id, t.name, t.auto_provision_prefix AS prefix, t.allow_nosec,
                  (SELECT count(*) FROM devices d WHERE d.tenant_id = t.id)::int AS devices
             FROM tenants t ORDER BY t.id`,
        );
        io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return 0;
      }
      if (action === 'export' || action === 'delete') return await offboard(action, rest, env, pool, io);
      if (action === 'ca') return await certificateAuthorities(rest, env, pool, io);
      if (action !== 'create' && action !== 'ensure') throw new CliUsageError(`usage: ${USAGE}`);
      const { values, positionals } = parseCreate(rest);
      const slug = positionals[0];
      if (!slug || !isTenantSlug(slug))
        throw new CliUsageError(`a tenant slug [a-z0-9-]{2,32} is required; ${USAGE}`);
      if (!values.name) throw new CliUsageError('--name is required');
      const observe = values.observe === undefined ? undefined : parseObserve(values.observe);
      if (observe && !values.profile) throw new CliUsageError('--observe needs --profile');
      if (values['allow-nosec'] && values['refuse-nosec'])
        throw new CliUsageError('--allow-nosec or --refuse-nosec, not both');
      const nosec = values['allow-nosec'] ? true : values['refuse-nosec'] ? false : null;
      const tenant = {
        id: slug,
        name: values.name,
        autoProvision: values['auto-provision-prefix'] !== undefined,
        autoProvisionPrefix: values['auto-provision-prefix'] ?? null,
        autoProvisionProfile: values.profile ?? null,
        allowNosec: nosec ?? false,
      };
      const tenants = new TenantAdminRepository(pool);
      let allowNosec = tenant.allowNosec;
      if (action === 'create') {
        if (await tenants.exists(slug)) throw new CliUsageError(`tenant "${slug}" already exists`);
        await tenants.create(tenant);
      } else {
        allowNosec = await upsertTenant(pool, env, tenant, nosec);
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
        ...kafkaConnection(env),
        logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
      });
      await ensureTopics(kafka, [
        { topic: cityTelemetryTopic(slug), partitions: PARTNER_TOPIC_PARTITIONS },
        { topic: cityEventsTopic(slug), partitions: PARTNER_TOPIC_PARTITIONS },
      ]);
      io.stdout.write(`tenant ${slug} ready (NoSec ${allowNosec ? 'allowed' : 'refused'})\n`);
      return 0;
    } finally {
      await pool.end();
    }
  },
};

/** `tenant ca add <slug> <pem file>`, `tenant ca list <slug>`, `tenant ca remove <slug> <sha256>`. */
async function certificateAuthorities(
  args: string[],
  env: z.infer<typeof envSchema>,
  pool: Pool,
  io: Parameters<CliCommand['run']>[1],
): Promise<number> {
  const [verb, slug, arg] = args;
  if (!verb || !['add', 'list', 'remove'].includes(verb) || !slug || !isTenantSlug(slug)) {
    throw new CliUsageError(`usage: ${USAGE}`);
  }
  if (verb !== 'list' && !arg) throw new CliUsageError(`usage: ${USAGE}`);
  if (!(await new TenantAdminRepository(pool).exists(slug)))
    throw new CliUsageError(`tenant "${slug}" does not exist`);
  const repository = new DeviceCredentialRepository(new CredentialKeyring(env.CREDENTIAL_KEYS));
  if (verb === 'list') {
    for (const ca of await withPlatformAdmin(pool, (tx) => repository.listCertificateAuthorities(tx, slug))) {
      io.stdout.write(`sha256=${ca.sha256} subject=${JSON.stringify(ca.subject)}\n`);
    }
    return 0;
  }
  let changed: boolean;
  if (verb === 'add') {
    const pem = await readCaPem(arg!);
    const ca = await withPlatformAdmin(pool, (tx) => repository.addCertificateAuthority(tx, slug, pem)).catch(
      (err: unknown) => {
        throw err instanceof CredentialInputError ? new CliUsageError(`${arg}: ${err.message}`) : err;
      },
    );
    io.stdout.write(`sha256=${ca.sha256} subject=${JSON.stringify(ca.subject)}\n`);
    changed = true;
  } else {
    let digest: Buffer;
    try {
      digest = parseSha256Hex(arg!);
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    changed = await withPlatformAdmin(pool, (tx) => repository.removeCertificateAuthority(tx, slug, digest));
    if (!changed) throw new CliUsageError(`${slug} has no CA with SHA-256 ${arg}`);
    io.stdout.write(`removed CA ${digest.toString('hex')} from ${slug}\n`);
  }
  // The ingest's DTLS trust anchors follow the tenants' CAs.
  await withRedis(env, (redis) => publishCertificateAuthorityChange(redis, slug));
  return 0;
}

async function withRedis<T>(env: z.infer<typeof envSchema>, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = createRedis({
    url: env.REDIS_URL,
    logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
    name: 'cli',
  });
  try {
    return await fn(redis);
  } finally {
    await closeRedis(redis);
  }
}

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
    ...kafkaConnection(env),
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
        'allow-nosec': { type: 'boolean' },
        'refuse-nosec': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

type TenantRow = Parameters<TenantAdminRepository['create']>[0];

/**
 * `ensure`: creates the city or brings its name and auto-provisioning settings to the given values; its NoSec
 * setting changes only when asked (`nosec` not null). When NoSec stops being allowed, the city's NoSec devices are
 * published as changed so the ingest drops their live registrations. Returns the setting now in force.
 */
async function upsertTenant(
  pool: Pool,
  env: z.infer<typeof envSchema>,
  tenant: TenantRow,
  nosec: boolean | null,
): Promise<boolean> {
  const { before, after, nosecEndpoints } = await withPlatformAdmin(pool, async (tx) => {
    const { rows: old } = await tx.query<{ allow_nosec: boolean }>(
      'SELECT allow_nosec FROM tenants WHERE id = $1 FOR UPDATE',
      [tenant.id],
    );
    const { rows } = await tx.query<{ allow_nosec: boolean }>(
      `INSERT INTO tenants (id, name, auto_provision, auto_provision_prefix, auto_provision_profile, allow_nosec)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6, false))
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, auto_provision = EXCLUDED.auto_provision,
         auto_provision_prefix = EXCLUDED.auto_provision_prefix, auto_provision_profile = EXCLUDED.auto_provision_profile,
         allow_nosec = COALESCE($6, tenants.allow_nosec)
       RETURNING allow_nosec`,
      [
        tenant.id,
        tenant.name,
        tenant.autoProvision ?? false,
        tenant.autoProvisionPrefix ?? null,
        tenant.autoProvisionProfile ?? null,
        nosec,
      ],
    );
    const { rows: devices } = await tx.query<{ endpoint: string }>(
      `SELECT d.endpoint FROM devices d WHERE d.tenant_id = $1 AND d.decommissioned_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM device_credentials c WHERE c.device_id = d.id)`,
      [tenant.id],
    );
    return {
      before: old[0]?.allow_nosec ?? null,
      after: rows[0]!.allow_nosec,
      nosecEndpoints: devices.map((d) => d.endpoint),
    };
  });
  if (before !== null && before !== after && nosecEndpoints.length > 0) {
    await withRedis(env, (redis) =>
      after
        ? invalidateDeviceDirectory(redis, nosecEndpoints)
        : publishDeviceChanges(
            redis,
            nosecEndpoints.map((endpoint) => ({ tenant: tenant.id, endpoint, change: 'credential-changed' })),
          ).then(() => undefined),
    );
  }
  return after;
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
