import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LOCAL_STACK, loadConfig, secret } from '@smartcity/platform-config';
import { isTenantSlug } from '@smartcity/platform-contracts';
import {
  type BootstrapObjectWrite,
  BootstrapRepository,
  type BootstrapOverride,
  checkBootstrapLines,
  createPool,
  CredentialInputError,
  CredentialKeyring,
  isBootstrapIdentityTaken,
  type TxClient,
  typeObjectWrites,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis, invalidateDeviceDirectory } from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type Pool } from 'pg';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';
import { BOOTSTRAP_CA_USAGE, bootstrapCertificateAuthorities } from './bootstrap-ca';

const USAGE =
  'bootstrap import <tenant> <file.csv> [--batch <name>]' +
  ' | bootstrap config <tenant> --server-uri <coaps://host:port> [--lifetime <s>] [--binding U] [--short-server-id <n>]' +
  ' [--pmin <s>] [--pmax <s>] [--write <path>[@category,...]=<json values>]...' +
  ' | bootstrap config <tenant> --endpoint <endpoint> [--server-uri <uri>] [--lifetime <s>] [--binding U]' +
  ' | bootstrap show <tenant> | ' +
  BOOTSTRAP_CA_USAGE;

const envSchema = z.object({
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  REDIS_URL: secret(z.string().default(LOCAL_STACK.redisUrl)),
  /** Keys sealing device secrets at rest: the bootstrap server's, the ingest's and the gateway's CREDENTIAL_KEYS. */
  CREDENTIAL_KEYS: secret(z.string().min(1).default(LOCAL_STACK.credentialKeys)),
});

/** Explicit limits of a vendor batch file. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_LINES = 100_000;

/** One line of a vendor batch. The key is never printed, not even in an error. */
export interface BatchLine {
  readonly line: number;
  readonly endpoint: string;
  readonly identity: string;
  readonly key: Buffer;
}

/**
 * Bootstrap (issue 18, LwM2M Core 1.1.1 §6.1): vendor batches of bootstrap credentials and what the bootstrap server
 * (apps/bootstrap) writes into the devices.
 *
 * - `import`: a CSV of `endpoint,identity,keyHex` per line (a header line `endpoint,...`, blank lines and `#`
 *   comments are skipped): the devices are created in the tenant (or kept, when they are its own) and get their
 *   bootstrap PSK, sealed with CREDENTIAL_KEYS; all or nothing.
 * - `config`: the tenant's LwM2M server account for its devices (server URI, lifetime, binding, short server id),
 *   or with `--endpoint` one device's override (no value given: the override is removed).
 * - `show`: the tenant's configuration and how many devices have a bootstrap credential (never a key).
 */
export const command: CliCommand = {
  name: 'bootstrap',
  usage: USAGE,
  summary: 'bootstrap credentials (vendor CSV batches) and bootstrap configuration of a tenant',
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === 'ca') return vendorAuthorities(rest, io);
    if (action !== 'import' && action !== 'config' && action !== 'show')
      throw new CliUsageError(`usage: ${USAGE}`);
    const { values, positionals } = parse(rest);
    const tenant = positionals[0];
    if (!tenant || !isTenantSlug(tenant)) throw new CliUsageError(`usage: ${USAGE}`);
    const batch = action === 'import' ? await readBatch(positionals[1]) : [];
    const env = loadConfig(envSchema);
    const repository = new BootstrapRepository(new CredentialKeyring(env.CREDENTIAL_KEYS));
    const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
    try {
      await requireTenant(pool, tenant);
      if (action === 'show') {
        const { rows } = await pool.query(
          `SELECT c.server_uri, c.lifetime, c.binding, c.short_server_id, c.default_min_period,
                  c.default_max_period, c.object_writes,
                  (SELECT count(*) FROM bootstrap_credentials b WHERE b.tenant_id = $1)::int AS bootstrap_credentials,
                  (SELECT count(*) FROM bootstrap_device_overrides o WHERE o.tenant_id = $1)::int AS overrides
           FROM (SELECT 1) one LEFT JOIN bootstrap_configs c ON c.tenant_id = $1`,
          [tenant],
        );
        io.stdout.write(JSON.stringify(rows[0], null, 2) + '\n');
        return 0;
      }
      if (action === 'config') {
        await withPlatformAdmin(pool, (tx) => configure(tx, repository, tenant, values));
        io.stdout.write(
          values.endpoint !== undefined
            ? `bootstrap override of ${values.endpoint} set in ${tenant}\n`
            : `bootstrap configuration of ${tenant} set\n`,
        );
        return 0;
      }
      await importBatch(pool, repository, tenant, batch, values.batch);
      const redis = createRedis({
        url: env.REDIS_URL,
        logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
      });
      try {
        // New devices: the ingest must not answer from a cached "unknown endpoint".
        await invalidateDeviceDirectory(
          redis,
          batch.map((b) => b.endpoint),
        );
      } finally {
        await closeRedis(redis);
      }
      io.stdout.write(`imported ${batch.length} bootstrap credential(s) into ${tenant}\n`);
      return 0;
    } finally {
      await pool.end();
    }
  },
};

/** `bootstrap ca <add|list|remove> <tenant> ...` (vendor CAs of X.509 bootstrap credentials). */
async function vendorAuthorities(args: string[], io: Parameters<CliCommand['run']>[1]): Promise<number> {
  const [verb, tenant, ...rest] = args;
  if (!tenant || !isTenantSlug(tenant)) throw new CliUsageError(`usage: ${BOOTSTRAP_CA_USAGE}`);
  const env = loadConfig(envSchema);
  const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
  try {
    await requireTenant(pool, tenant);
    return await bootstrapCertificateAuthorities(verb, tenant, rest, pool, io);
  } finally {
    await pool.end();
  }
}

/** Parses a vendor batch (pure): `endpoint,identity,keyHex` per line. Errors name the line, never the key. */
export function parseBatch(text: string): BatchLine[] {
  const found: { line: number; endpoint: string; identity: string; keyHex: string }[] = [];
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES + 1) throw new CliUsageError(`a batch has at most ${MAX_LINES} lines`);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const fields = text.split(',').map((f) => f.trim());
    if (found.length === 0 && fields[0]?.toLowerCase() === 'endpoint') return;
    if (fields.length !== 3) throw new CliUsageError(`line ${line}: expected endpoint,identity,keyHex`);
    const [endpoint, identity, keyHex] = fields as [string, string, string];
    found.push({ line, endpoint, identity, keyHex });
  });
  if (found.length === 0) throw new CliUsageError('the batch has no credential lines');
  try {
    // The same checks as GraphQL importBootstrapCredentials (libs/platform/db bootstrap-input).
    return checkBootstrapLines(found, (i) => `line ${found[i]!.line}`).map((c, i) => ({
      ...c,
      line: found[i]!.line,
    }));
  } catch (err) {
    if (err instanceof CredentialInputError) throw new CliUsageError(err.message);
    throw err;
  }
}

async function readBatch(file: string | undefined): Promise<BatchLine[]> {
  if (!file) throw new CliUsageError(`usage: ${USAGE}`);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CliUsageError(`cannot read ${file}`);
  if (info.size > MAX_FILE_BYTES) throw new CliUsageError(`${file} is larger than ${MAX_FILE_BYTES} bytes`);
  return parseBatch(await readFile(file, 'utf8'));
}

async function requireTenant(pool: Pool, tenant: string): Promise<void> {
  const exists = await pool.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
  if (exists.rowCount === 0)
    throw new CliUsageError(`tenant "${tenant}" does not exist (see: tenant create)`);
}

/** The whole batch in one transaction: devices (the tenant's own are kept), then their bootstrap credentials. */
async function importBatch(
  pool: Pool,
  repository: BootstrapRepository,
  tenant: string,
  batch: readonly BatchLine[],
  name: string | undefined,
): Promise<void> {
  await withPlatformAdmin(pool, async (tx) => {
    const entries = [];
    for (const b of batch) {
      const r = await tx.query<{ id: string }>(
        `INSERT INTO devices (tenant_id, endpoint, name) VALUES ($1, $2, $2)
         ON CONFLICT (endpoint) DO UPDATE SET endpoint = EXCLUDED.endpoint WHERE devices.tenant_id = EXCLUDED.tenant_id
         RETURNING id`,
        [tenant, b.endpoint],
      );
      const id = r.rows[0]?.id;
      if (!id) throw new CliUsageError(`line ${b.line}: endpoint "${b.endpoint}" belongs to another tenant`);
      entries.push({ deviceId: id, identity: b.identity, key: b.key });
    }
    try {
      await repository.setCredentials(tx, tenant, entries, name);
    } catch (err) {
      if (isBootstrapIdentityTaken(err))
        throw new CliUsageError('a bootstrap PSK identity of the batch is already in use by another device');
      if (err instanceof CredentialInputError) throw new CliUsageError(err.message);
      throw err;
    }
  });
}

async function configure(
  tx: TxClient,
  repository: BootstrapRepository,
  tenant: string,
  values: ReturnType<typeof parse>['values'],
): Promise<void> {
  const lifetime = values.lifetime !== undefined ? integer(values.lifetime, '--lifetime') : undefined;
  try {
    if (values.endpoint !== undefined) {
      if (values['short-server-id'] !== undefined)
        throw new CliUsageError('--short-server-id is the tenant’s (no --endpoint)');
      const r = await tx.query<{ id: string }>(
        'SELECT id FROM devices WHERE tenant_id = $1 AND endpoint = $2',
        [tenant, values.endpoint],
      );
      const id = r.rows[0]?.id;
      if (!id) throw new CliUsageError(`${tenant} has no device "${values.endpoint}"`);
      const override: BootstrapOverride = {
        ...(values['server-uri'] !== undefined ? { serverUri: values['server-uri'] } : {}),
        ...(lifetime !== undefined ? { lifetime } : {}),
        ...(values.binding !== undefined ? { binding: values.binding } : {}),
      };
      await repository.setOverride(tx, tenant, id, override);
      return;
    }
    if (values['server-uri'] === undefined) throw new CliUsageError(`usage: ${USAGE}`);
    const objectWrites = (values.write ?? []).map(objectWriteOf);
    // Typed now against the object models (LwM2M Core 1.1.1 §6.1.7.4 writes them as the device's objects).
    typeObjectWrites(objectWrites, loadBundledRegistry());
    await repository.setConfig(tx, tenant, {
      serverUri: values['server-uri'],
      lifetime: lifetime ?? 300,
      binding: values.binding ?? 'U',
      shortServerId:
        values['short-server-id'] !== undefined ? integer(values['short-server-id'], '--short-server-id') : 1,
      defaultMinPeriod: values.pmin !== undefined ? integer(values.pmin, '--pmin') : null,
      defaultMaxPeriod: values.pmax !== undefined ? integer(values.pmax, '--pmax') : null,
      objectWrites,
    });
  } catch (err) {
    if (err instanceof CredentialInputError) throw new CliUsageError(err.message);
    throw err;
  }
}

/** `--write /3416/0@streetlight={"4":40}`: an object instance, the categories it is for (default all), its values. */
export function objectWriteOf(text: string): BootstrapObjectWrite {
  const match = /^(\/[0-9/]+?)(?:@([a-z0-9_,-]+))?=(.+)$/s.exec(text);
  if (!match)
    throw new CliUsageError('--write is <path>[@category,...]=<json values>, e.g. /3416/0={"4":40}');
  let values: unknown;
  try {
    values = JSON.parse(match[3]!);
  } catch {
    throw new CliUsageError(`--write ${match[1]}: the values are not JSON`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw new CliUsageError(`--write ${match[1]}: the values are a JSON object of resource id -> value`);
  return {
    path: match[1]!,
    values: values as Record<string, unknown>,
    categories: match[2] ? match[2].split(',').filter(Boolean) : [],
  };
}

function integer(text: string, option: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new CliUsageError(`${option} is a whole number`);
  return Number(text);
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        batch: { type: 'string' },
        'server-uri': { type: 'string' },
        lifetime: { type: 'string' },
        binding: { type: 'string' },
        'short-server-id': { type: 'string' },
        pmin: { type: 'string' },
        pmax: { type: 'string' },
        write: { type: 'string', multiple: true },
        endpoint: { type: 'string' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}
