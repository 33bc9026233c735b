import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { cityEventsTopic, cityTelemetryTopic } from '@smartcity/platform-contracts';
import { createPool } from '@smartcity/platform-db';
import { ensureTopics, KafkaClient, topicEndOffsets } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis, DEVICE_DIRECTORY_CACHE_PREFIX } from '@smartcity/platform-redis';
import { command } from '../commands/tenant.command';
import { findOrganization, KeycloakAdmin } from '../keycloak/keycloak-admin';

jest.setTimeout(120_000);

const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'cli-offboarding-test',
  max: 2,
});
const logger = createLogger({ app: 'cli-offboarding-test', level: 'silent' });
const kafka = new KafkaClient({ clientId: 'cli-offboarding-test', brokers: ['127.0.0.1:9092'], logger });
const redis = createRedis({ url: 'redis://127.0.0.1:6379', logger, name: 'cli-offboarding-test' });
const keycloak = new KeycloakAdmin({
  url: 'http://127.0.0.1:8080',
  realm: 'smartcity',
  adminUser: 'admin',
  adminPassword: 'admin',
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await command.run(args, { stdin: new PassThrough(), stdout, stderr: new PassThrough() });
  return { code, out };
}

/** Issue 17 item 6: a platform operator exports a city's data and deletes the city everywhere. */
describe('tenant export and delete (CLI)', () => {
  const slug = `cli-off-${randomBytes(3).toString('hex')}`;
  const endpoint = `${slug}-meter`;

  beforeAll(async () => {
    await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Off City')`, [slug]);
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO devices (tenant_id, endpoint, category) VALUES ($1, $2, 'water') RETURNING id`,
      [slug, endpoint],
    );
    const device = rows[0]!.id;
    await owner.query(
      `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num)
       SELECT now() - make_interval(mins => g), $1, $2, '/3424/0/1', 'water_meter.cumulated_water_volume', g
       FROM generate_series(1, 12000) g`,
      [slug, device],
    );
    await owner.query(
      `INSERT INTO alarms (tenant_id, device_id, type, severity, raised_at) VALUES ($1, $2, 'leak', 'MAJOR', now())`,
      [slug, device],
    );
    await owner.query(
      `INSERT INTO commands (tenant_id, device_id, type, request, issued_by, deadline)
       VALUES ($1, $2, 'READ', '{}', 'test', now() + interval '1 hour')`,
      [slug, device],
    );
    await owner.query('SELECT platform.record_usage($1, 5, 0, 2)', [slug]);
    await ensureTopics(kafka, [
      { topic: cityTelemetryTopic(slug), partitions: 1 },
      { topic: cityEventsTopic(slug), partitions: 1 },
    ]);
    await keycloak.post('/organizations', {
      alias: slug,
      name: slug,
      domains: [{ name: `${slug}.example` }],
    });
    await redis.set(DEVICE_DIRECTORY_CACHE_PREFIX + endpoint, '{}');
    await redis.set(`sc:ingest:ep:${endpoint}`, 'reg-1');
    await redis.set('sc:ingest:reg:reg-1', '{}');
    await redis.set(`quota:api:${slug}:2026-01-01`, '3');
  });
  afterAll(async () => {
    await owner.query('DELETE FROM telemetry WHERE tenant_id = $1', [slug]).catch(() => undefined);
    await owner.query('DELETE FROM tenants WHERE id = $1', [slug]).catch(() => undefined);
    await owner.end();
    await closeRedis(redis);
  });

  it('exports devices, telemetry, alarms, commands and usage as NDJSON with a manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenant-export-'));
    const result = await run(['export', slug, '--out', dir]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.rows).toMatchObject({
      tenants: 1,
      devices: 1,
      telemetry: 12000,
      alarms: 1,
      commands: 1,
      tenant_usage_daily: 1,
    });
    const telemetry = (await readFile(join(dir, 'telemetry.ndjson'), 'utf8')).trim().split('\n');
    expect(telemetry).toHaveLength(12000);
    expect(JSON.parse(telemetry[0]!)).toMatchObject({ tenant_id: slug, path: '/3424/0/1' });
    expect(JSON.parse(await readFile(join(dir, 'devices.ndjson'), 'utf8'))).toMatchObject({ endpoint });
  });

  it('refuses to delete without --yes', async () => {
    await expect(run(['delete', slug])).rejects.toThrow(/--yes/);
  });

  it('deletes the city everywhere: rows, hypertable data, topics, organization, Redis keys', async () => {
    const result = await run(['delete', slug, '--yes']);
    expect(result.code).toBe(0);
    for (const table of ['tenants', 'devices', 'telemetry', 'alarms', 'commands', 'tenant_usage_daily']) {
      const column = table === 'tenants' ? 'id' : 'tenant_id';
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [
        slug,
      ]);
      expect({ table, n: rows[0].n }).toEqual({ table, n: 0 });
    }
    for (const topic of [cityTelemetryTopic(slug), cityEventsTopic(slug)]) {
      await expect(topicEndOffsets(kafka, topic)).rejects.toThrow();
    }
    expect(await findOrganization(keycloak, slug)).toBeNull();
    expect(
      await redis.exists(
        DEVICE_DIRECTORY_CACHE_PREFIX + endpoint,
        `sc:ingest:ep:${endpoint}`,
        'sc:ingest:reg:reg-1',
        `quota:api:${slug}:2026-01-01`,
      ),
    ).toBe(0);
    // Running it again finds nothing left and still succeeds.
    expect((await run(['delete', slug, '--yes'])).code).toBe(0);
  });
});
