import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { cityEventsTopic, cityTelemetryTopic } from '@smartcity/platform-contracts';
import { createPool, CredentialKeyring, DeviceCredentialRepository } from '@smartcity/platform-db';
import { deleteTopics, KafkaClient } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import {
  CERTIFICATE_AUTHORITY_CHANGES_CHANNEL,
  closeRedis,
  createRedis,
  DEVICE_CHANGES_CHANNEL,
  type DeviceChange,
} from '@smartcity/platform-redis';
import { CliUsageError, type CliCommand } from '../cli-command';
import { selfSignedPemFile } from '../testing/self-signed';
import { command as provision } from './provision.command';
import { command as tenant } from './tenant.command';

jest.setTimeout(120_000);

const owner = createPool({
  connectionString: LOCAL_STACK.databaseOwnerUrl,
  applicationName: 'cli-credentials-test',
  max: 2,
});
const app = createPool({
  connectionString: LOCAL_STACK.databaseUrl,
  applicationName: 'cli-credentials-test',
});
const logger = createLogger({ app: 'cli-credentials-test', level: 'silent' });
const subscriber = createRedis({ url: LOCAL_STACK.redisUrl, logger, name: 'cli-credentials-test' });
const repository = new DeviceCredentialRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));

/** Runs a command as `main.ts` would: a usage error is exit code 2 with its message on stderr. */
async function run(cmd: CliCommand, args: string[], stdin = '') {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  let err = '';
  io.stdout.on('data', (d: Buffer) => (out += d.toString()));
  io.stderr.on('data', (d: Buffer) => (err += d.toString()));
  io.stdin.end(stdin);
  try {
    return { code: await cmd.run(args, io), out, err };
  } catch (e) {
    if (e instanceof CliUsageError) return { code: 2, out, err: err + e.message };
    throw e;
  }
}

/** Issue 14: an operator provisions devices with their credentials, a city's NoSec setting and its CAs. */
describe('credentials from the CLI', () => {
  const run8 = randomBytes(3).toString('hex');
  const city = `cli-c-${run8}`;
  const open = `cli-o-${run8}`;
  const dir = mkdtempSync(join(tmpdir(), 'cli-credentials-'));
  const changes: DeviceChange[] = [];
  const caChanges: string[] = [];
  const deviceId = async (endpoint: string) =>
    (await owner.query<{ id: string }>('SELECT id FROM devices WHERE endpoint = $1', [endpoint])).rows[0]?.id;
  const published = async (endpoint: string, change: DeviceChange['change']) => {
    const deadline = Date.now() + 5_000;
    while (!changes.some((c) => c.endpoint === endpoint && c.change === change)) {
      if (Date.now() > deadline) throw new Error(`no ${change} published for ${endpoint}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === DEVICE_CHANGES_CHANNEL) changes.push(JSON.parse(message) as DeviceChange);
      if (channel === CERTIFICATE_AUTHORITY_CHANGES_CHANNEL) caChanges.push(message);
    });
    await subscriber.subscribe(DEVICE_CHANGES_CHANNEL, CERTIFICATE_AUTHORITY_CHANGES_CHANNEL);
  });
  afterAll(async () => {
    await owner.query('DELETE FROM tenants WHERE id = ANY($1)', [[city, open]]);
    const kafka = new KafkaClient({ clientId: 'cli-credentials-test', brokers: ['127.0.0.1:9092'], logger });
    await deleteTopics(
      kafka,
      [city, open].flatMap((t) => [cityTelemetryTopic(t), cityEventsTopic(t)]),
    ).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await closeRedis(subscriber);
    await owner.end();
    await app.end();
  });

  it('creates cities that refuse NoSec unless --allow-nosec', async () => {
    expect(await run(tenant, ['create', city, '--name', 'C'])).toMatchObject({
      code: 0,
      out: `tenant ${city} ready (NoSec refused)\n`,
    });
    expect((await run(tenant, ['create', open, '--name', 'O', '--allow-nosec'])).out).toContain(
      'NoSec allowed',
    );
    const { rows } = await owner.query('SELECT id, allow_nosec FROM tenants WHERE id = ANY($1) ORDER BY id', [
      [city, open],
    ]);
    expect(rows).toEqual([
      { id: city, allow_nosec: false },
      { id: open, allow_nosec: true },
    ]);
  });

  it('provisions with a given PSK, sealed in the database, and tells the ingest', async () => {
    const key = randomBytes(16).toString('hex');
    const result = await run(provision, [
      city,
      `${city}-psk`,
      '--psk-identity',
      `${city}-id`,
      '--psk-key',
      key,
    ]);
    expect(result).toMatchObject({ code: 0, out: `provisioned 1 endpoint(s) in ${city} with a PSK\n` });
    const id = (await deviceId(`${city}-psk`))!;
    const { rows } = await owner.query(
      'SELECT mode, psk_identity, psk_key_sealed FROM device_credentials WHERE device_id = $1',
      [id],
    );
    expect(rows[0]).toMatchObject({ mode: 'psk', psk_identity: `${city}-id` });
    expect((rows[0].psk_key_sealed as Buffer).includes(Buffer.from(key, 'hex'))).toBe(false);
    expect((await repository.resolvePsk(app, `${city}-id`))?.key.toString('hex')).toBe(key);
    await published(`${city}-psk`, 'credential-changed');
  });

  it('reads the key from stdin with --psk-key -, the identity defaulting to the endpoint', async () => {
    const key = randomBytes(32).toString('hex');
    expect((await run(provision, [city, `${city}-stdin`, '--psk-key', '-'], `${key}\n`)).code).toBe(0);
    expect((await repository.resolvePsk(app, `${city}-stdin`))?.key.toString('hex')).toBe(key);
  });

  it('generates PSKs and prints each once, one parseable line per endpoint, nothing else on stdout', async () => {
    const result = await run(provision, [city, `${city}-g1`, `${city}-g2`, '--generate-psk']);
    expect(result.code).toBe(0);
    expect(result.err).toContain('provisioned 2 endpoint(s)');
    const lines = result.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const [i, line] of lines.entries()) {
      const fields = Object.fromEntries(line.split(' ').map((f) => f.split('=') as [string, string]));
      expect(fields).toEqual({
        endpoint: `${city}-g${i + 1}`,
        'psk-identity': `${city}-g${i + 1}`,
        'psk-key': expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect((await repository.resolvePsk(app, fields['psk-identity']!))?.key.toString('hex')).toBe(
        fields['psk-key'],
      );
    }
    // Run again: a new key (rotation), printed once more; the old one is gone.
    const again = await run(provision, [city, `${city}-g1`, '--generate-psk']);
    const newKey = /psk-key=([0-9a-f]+)/.exec(again.out)![1];
    expect(newKey).not.toBe(/psk-key=([0-9a-f]+)/.exec(lines[0]!)![1]);
    expect((await repository.resolvePsk(app, `${city}-g1`))?.key.toString('hex')).toBe(newKey);
  });

  it('provisions a raw public key from a PEM file and refuses a private key', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = join(dir, 'device.pub.pem');
    const priv = join(dir, 'device.key.pem');
    writeFileSync(pub, pair.publicKey.export({ format: 'pem', type: 'spki' }));
    writeFileSync(priv, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect((await run(provision, [city, `${city}-rpk`, '--rpk', pub])).code).toBe(0);
    const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
    expect(await repository.resolveRpk(app, spki)).toMatchObject({ endpoint: `${city}-rpk`, tenantId: city });
    const refused = await run(provision, [city, `${city}-rpk2`, '--rpk', priv]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/private key/);
    expect(await deviceId(`${city}-rpk2`)).toBeUndefined();
  });

  it('refuses a taken PSK identity, writing nothing, and bad or mixed options', async () => {
    const taken = await run(provision, [
      city,
      `${city}-dup`,
      '--psk-identity',
      `${city}-id`,
      '--psk-key',
      randomBytes(16).toString('hex'),
    ]);
    expect(taken).toMatchObject({ code: 2 });
    expect(taken.err).toMatch(/already in use/);
    expect(await deviceId(`${city}-dup`)).toBeUndefined();
    for (const [args, message] of [
      [[city, 'x', '--psk-key', 'abcd'], /16 to 64 bytes/],
      [[city, 'x', '--x509', '--generate-psk'], /give one credential/],
      [[city, 'x', 'y', '--psk-identity', 'i', '--psk-key', 'ab'.repeat(16)], /one endpoint/],
      [[city, 'x y', '--generate-psk'], /cannot be a PSK identity/],
    ] as const) {
      const result = await run(provision, [...args]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
    }
  });

  it('adds, lists and removes a CA; X.509 devices are told when their city has none', async () => {
    const x509 = await run(provision, [city, `${city}-x509`, '--x509']);
    expect(x509.code).toBe(0);
    expect(x509.err).toContain(`tenant ca add ${city}`);
    const caFile = selfSignedPemFile(dir, 'ca', `CLI CA ${run8}`);
    const added = await run(tenant, ['ca', 'add', city, caFile]);
    expect(added.code).toBe(0);
    const sha = /^sha256=([0-9a-f]{64}) subject="CN=CLI CA [0-9a-f]+"\n$/.exec(added.out)?.[1];
    expect(sha).toBeDefined();
    expect(readFileSync(caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect((await run(tenant, ['ca', 'list', city])).out).toBe(added.out);
    expect((await run(tenant, ['ca', 'list', open])).out).toBe('');
    expect(caChanges).toContain(JSON.stringify({ tenant: city }));
    expect((await run(tenant, ['ca', 'add', city, join(dir, 'device.pub.pem')])).code).toBe(2);
    expect((await run(tenant, ['ca', 'remove', city, sha!])).code).toBe(0);
    expect((await run(tenant, ['ca', 'remove', city, sha!])).code).toBe(2);
    expect((await run(tenant, ['ca', 'list', city])).out).toBe('');
  });

  it('ensure keeps the NoSec setting unless told; refusing it drops the NoSec devices at once', async () => {
    expect((await run(provision, [open, `${open}-plain`])).code).toBe(0);
    expect((await run(provision, [open, `${open}-x509`, '--x509'])).code).toBe(0);
    expect((await run(tenant, ['ensure', open, '--name', 'O'])).out).toContain('NoSec allowed');
    const refused = await run(tenant, ['ensure', open, '--name', 'O', '--refuse-nosec']);
    expect(refused.out).toContain('NoSec refused');
    await published(`${open}-plain`, 'credential-changed');
    expect(changes.filter((c) => c.endpoint === `${open}-x509`)).toHaveLength(1); // its provisioning only
    expect((await run(tenant, ['ensure', open, '--name', 'O'])).out).toContain('NoSec refused');
    expect((await run(tenant, ['ensure', open, '--name', 'O', '--allow-nosec'])).out).toContain(
      'NoSec allowed',
    );
  });

  it('publishes the removal of devices as decommissioned', async () => {
    const result = await run(provision, ['--remove', `${city}-psk`, `${city}-rpk`]);
    expect(result).toMatchObject({ code: 0, out: 'removed 2 device(s)\n' });
    await published(`${city}-psk`, 'decommissioned');
    await published(`${city}-rpk`, 'decommissioned');
    expect(await repository.resolvePsk(app, `${city}-id`)).toBeUndefined();
  });
});
