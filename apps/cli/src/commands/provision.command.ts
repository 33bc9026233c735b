import { readFile } from 'node:fs/promises';
import { type Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { LOCAL_STACK, loadConfig, secret } from '@smartcity/platform-config';
import { isTenantSlug } from '@smartcity/platform-contracts';
import {
  checkPskIdentity,
  createPool,
  CredentialInputError,
  CredentialKeyring,
  DeviceCredentialRepository,
  type DeviceCredentialInput,
  generatePskKey,
  isCredentialTaken,
  parsePskKeyHex,
  publicKeyFromPem,
  type TxClient,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { createLogger } from '@smartcity/platform-observability';
import {
  closeRedis,
  createRedis,
  type DeviceChange,
  invalidateDeviceDirectory,
  publishDeviceChanges,
} from '@smartcity/platform-redis';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';

const USAGE =
  'provision <tenant> <endpoint>... [--profile <name>] [--category <c>] [--name <display name>]' +
  ' [--psk-identity <id> --psk-key <hex|-> | --generate-psk | --rpk <public key pem file> | --x509]' +
  ' | provision --remove <endpoint>...';

const envSchema = z.object({
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  REDIS_URL: secret(z.string().default(LOCAL_STACK.redisUrl)),
  /** Keys sealing device secrets at rest: the gateway's and the ingest's CREDENTIAL_KEYS. */
  CREDENTIAL_KEYS: secret(z.string().min(1).default(LOCAL_STACK.credentialKeys)),
});

type Options = ReturnType<typeof parse>['values'];

/** What the options ask for, per endpoint; `generated` is printed once, after the commit. */
interface Planned {
  readonly endpoint: string;
  readonly credential: DeviceCredentialInput | null;
  readonly generated: boolean;
}

/**
 * Provisions LwM2M endpoints into a tenant, with their credential (issue 14 "Credentials per device"): a device row
 * per endpoint (endpoint names are unique platform-wide, ARCHITECTURE.md "Tenancy"; an endpoint of the same tenant
 * is updated), its credential through the same repository as the gateway (PSK sealed with CREDENTIAL_KEYS), then
 * the ingest hears of it (device-directory cache, device-change channel) so the next handshake or Register sees the
 * change at once. A generated PSK is printed once on stdout, one line per endpoint:
 *   endpoint=<endpoint> psk-identity=<identity> psk-key=<hex>
 */
export const command: CliCommand = {
  name: 'provision',
  usage: USAGE,
  summary: 'provision (or remove) LwM2M endpoints of a tenant, with their PSK/RPK/X.509 credential',
  async run(args, io) {
    const { values, positionals } = parse(args);
    const env = loadConfig(envSchema);
    const plan = values.remove ? null : await planCredentials(positionals, values, io.stdin);
    const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
    const redis = createRedis({
      url: env.REDIS_URL,
      logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
    });
    try {
      if (values.remove) {
        if (positionals.length === 0) throw new CliUsageError(`usage: ${USAGE}`);
        const { rows } = await pool.query<{ tenant_id: string; endpoint: string }>(
          'DELETE FROM devices WHERE endpoint = ANY($1) RETURNING tenant_id, endpoint',
          [positionals],
        );
        await invalidateDeviceDirectory(redis, positionals);
        await publishDeviceChanges(
          redis,
          rows.map((r) => ({ tenant: r.tenant_id, endpoint: r.endpoint, change: 'decommissioned' })),
        );
        io.stdout.write(`removed ${rows.length} device(s)\n`);
        return 0;
      }
      const tenant = positionals[0]!;
      const repository = new DeviceCredentialRepository(new CredentialKeyring(env.CREDENTIAL_KEYS));
      const exists = await pool.query<{ cas: number }>(
        `SELECT (SELECT count(*) FROM tenant_certificate_authorities c WHERE c.tenant_id = t.id)::int AS cas
         FROM tenants t WHERE t.id = $1`,
        [tenant],
      );
      if (exists.rowCount === 0)
        throw new CliUsageError(`tenant "${tenant}" does not exist (see: tenant create)`);
      await withPlatformAdmin(pool, async (tx) => {
        for (const p of plan!) {
          const deviceId = await upsertDevice(tx, tenant, p.endpoint, values);
          if (p.credential) await setCredential(repository, tx, tenant, deviceId, p);
        }
      });
      // Committed: now the ingest may act on it.
      const changes: DeviceChange[] = plan!
        .filter((p) => p.credential)
        .map((p) => ({ tenant, endpoint: p.endpoint, change: 'credential-changed' }));
      await invalidateDeviceDirectory(
        redis,
        plan!.map((p) => p.endpoint),
      );
      await publishDeviceChanges(redis, changes);
      for (const p of plan!) {
        if (p.generated && p.credential?.mode === 'psk') {
          io.stdout.write(
            `endpoint=${p.endpoint} psk-identity=${p.credential.identity} psk-key=${p.credential.key.toString('hex')}\n`,
          );
        }
      }
      if (values.x509 && exists.rows[0]?.cas === 0) {
        io.stderr.write(`note: ${tenant} has no CA yet; add one with: tenant ca add ${tenant} <ca.pem>\n`);
      }
      // With generated keys, stdout holds only the key lines (for scripts); the summary goes to stderr.
      (values['generate-psk'] ? io.stderr : io.stdout).write(
        `provisioned ${plan!.length} endpoint(s) in ${tenant}${changes.length > 0 ? ` with ${describe(values)}` : ''}\n`,
      );
      return 0;
    } finally {
      await pool.end();
      await closeRedis(redis);
    }
  },
};

function describe(values: Options): string {
  if (values.x509) return 'X.509 credentials';
  if (values.rpk) return 'a raw public key';
  return values['generate-psk'] ? 'generated PSKs' : 'a PSK';
}

/** Checks the arguments and reads the credential material before anything is written. */
async function planCredentials(positionals: string[], values: Options, stdin: Readable): Promise<Planned[]> {
  const [tenant, ...endpoints] = positionals;
  if (!tenant || !isTenantSlug(tenant) || endpoints.length === 0) throw new CliUsageError(`usage: ${USAGE}`);
  if (new Set(endpoints).size !== endpoints.length) throw new CliUsageError('an endpoint is named twice');
  for (const e of endpoints) {
    if (e.length < 1 || e.length > 255 || /[\u0000-\u001f\u007f]/.test(e) || e.trim() !== e)
      throw new CliUsageError(`endpoint "${e}" must be 1..255 printable characters`);
  }
  const psk = values['psk-identity'] !== undefined || values['psk-key'] !== undefined;
  const kinds = [psk, values['generate-psk'] === true, values.rpk !== undefined, values.x509 === true];
  if (kinds.filter(Boolean).length > 1) {
    throw new CliUsageError('give one credential: --psk-identity/--psk-key, --generate-psk, --rpk or --x509');
  }
  if ((psk || values.rpk !== undefined) && endpoints.length > 1) {
    throw new CliUsageError('--psk-identity, --psk-key and --rpk name the credential of one endpoint');
  }
  try {
    if (psk) {
      if (values['psk-key'] === undefined) throw new CliUsageError('--psk-identity needs --psk-key <hex>');
      // `--psk-key -` reads the key from stdin, so it stays out of the shell history and the process list.
      const hex = values['psk-key'] === '-' ? await readAll(stdin) : values['psk-key'];
      const identity = checkPskIdentity(values['psk-identity'] ?? endpoints[0]!);
      return [
        {
          endpoint: endpoints[0]!,
          credential: { mode: 'psk', identity, key: parsePskKeyHex(hex) },
          generated: false,
        },
      ];
    }
    if (values['generate-psk']) {
      return endpoints.map((endpoint) => {
        try {
          checkPskIdentity(endpoint);
        } catch {
          throw new CliUsageError(
            `endpoint "${endpoint}" cannot be a PSK identity: give --psk-identity and --psk-key`,
          );
        }
        return {
          endpoint,
          credential: { mode: 'psk', identity: endpoint, key: generatePskKey() },
          generated: true,
        };
      });
    }
    if (values.rpk !== undefined) {
      const pem = await readFile(values.rpk, 'utf8').catch(() => {
        throw new CliUsageError(`cannot read ${values.rpk}`);
      });
      return [
        {
          endpoint: endpoints[0]!,
          credential: { mode: 'rpk', publicKey: publicKeyFromPem(pem) },
          generated: false,
        },
      ];
    }
  } catch (err) {
    if (err instanceof CredentialInputError) throw new CliUsageError(err.message);
    throw err;
  }
  return endpoints.map((endpoint) => ({
    endpoint,
    credential: values.x509 ? { mode: 'x509' } : null,
    generated: false,
  }));
}

/** Inserts the device, or updates the tenant's own; another tenant's endpoint is refused. */
async function upsertDevice(
  tx: TxClient,
  tenant: string,
  endpoint: string,
  values: Options,
): Promise<string> {
  const r = await tx.query<{ id: string }>(
    `INSERT INTO devices (tenant_id, endpoint, name, profile, category)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (endpoint) DO UPDATE SET profile = COALESCE(EXCLUDED.profile, devices.profile),
       category = COALESCE(EXCLUDED.category, devices.category)
     WHERE devices.tenant_id = EXCLUDED.tenant_id
     RETURNING id`,
    [tenant, endpoint, values.name ?? endpoint, values.profile ?? null, values.category ?? null],
  );
  const id = r.rows[0]?.id;
  if (!id) throw new CliUsageError(`endpoint "${endpoint}" belongs to another tenant`);
  return id;
}

async function setCredential(
  repository: DeviceCredentialRepository,
  tx: TxClient,
  tenant: string,
  deviceId: string,
  p: Planned,
): Promise<void> {
  try {
    await repository.set(tx, tenant, deviceId, p.credential!);
  } catch (err) {
    if (isCredentialTaken(err)) {
      throw new CliUsageError(
        p.credential?.mode === 'psk'
          ? `PSK identity "${p.credential.identity}" is already in use by another device`
          : 'this public key is already in use by another device',
      );
    }
    if (err instanceof CredentialInputError) throw new CliUsageError(err.message);
    throw err;
  }
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text.trim();
}

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
        'psk-identity': { type: 'string' },
        'psk-key': { type: 'string' },
        'generate-psk': { type: 'boolean' },
        rpk: { type: 'string' },
        x509: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}
