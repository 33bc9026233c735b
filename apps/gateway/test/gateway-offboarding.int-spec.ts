import { randomBytes } from 'node:crypto';
import { KafkaClient, topicEndOffsets } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { DEVICE_DIRECTORY_CACHE_PREFIX } from '@smartcity/platform-redis';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { KEYCLOAK_URL, masterRealmToken, tokenOf } from './support/keycloak-tokens';
import { OWNER_URL } from './support/seed';
import { TEST_ENV } from './support/test-env.config';

jest.setTimeout(120_000);

async function organizationCount(alias: string): Promise<number> {
  const res = await fetch(`${KEYCLOAK_URL}/admin/realms/smartcity/organizations?first=0&max=1000`, {
    headers: { authorization: `Bearer ${await masterRealmToken()}` },
  });
  return ((await res.json()) as { alias: string }[]).filter((o) => o.alias === alias).length;
}

/** Issue 17 item 6: a platform admin deletes a city everywhere through GraphQL. */
describe('deleteTenant (off-boarding)', () => {
  const slug = `gwo-${randomBytes(4).toString('hex')}`;
  let gateway: RunningGateway;
  let owner: Pool;
  let redis: Redis;
  const kafka = new KafkaClient({
    clientId: 'gateway-offboarding-test',
    brokers: TEST_ENV.kafkaBrokers,
    logger: createLogger({ app: 'gateway-offboarding-test', level: 'silent' }),
  });
  beforeAll(async () => {
    gateway = await startGateway();
    owner = new Pool({ connectionString: OWNER_URL, max: 1 });
    redis = new Redis(TEST_ENV.redisUrl);
  });
  afterAll(async () => {
    await owner.query('DELETE FROM telemetry WHERE tenant_id = $1', [slug]);
    await owner.query('DELETE FROM tenants WHERE id = $1', [slug]);
    await owner.end();
    redis.disconnect();
    await gateway?.stop();
  });

  it('removes rows, telemetry, topics, organization and Redis keys; only for platform admins', async () => {
    const admin = { token: await tokenOf('platform-admin') };
    const created = await gql(
      gateway,
      'mutation($i: CreateTenantInput!) { createTenant(input: $i) { id } }',
      { i: { id: slug, name: 'Gone City' } },
      admin,
    );
    expect(created.errors).toEqual([]);
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO devices (tenant_id, endpoint) VALUES ($1, $2) RETURNING id`,
      [slug, `${slug}-d1`],
    );
    await owner.query(
      `INSERT INTO telemetry (time, tenant_id, device_id, path, metric, value_num) VALUES (now(), $1, $2, '/3/0/9', 'm', 1)`,
      [slug, rows[0]!.id],
    );
    await redis.set(`${DEVICE_DIRECTORY_CACHE_PREFIX}${slug}-d1`, '{}');

    const mutation =
      'mutation($id: ID!, $c: String!) { deleteTenant(id: $id, confirm: $c) { id rows topics organizationDeleted redisKeys } }';
    expect(
      codesOf(await gql(gateway, mutation, { id: slug, c: slug }, { token: await tokenOf('lyon-admin') })),
    ).toEqual(['FORBIDDEN']);
    expect(codesOf(await gql(gateway, mutation, { id: slug, c: 'oops' }, admin))).toEqual(['BAD_USER_INPUT']);

    const result = await gql(gateway, mutation, { id: slug, c: slug }, admin);
    expect(result.errors).toEqual([]);
    expect(result.data?.['deleteTenant']).toMatchObject({
      id: slug,
      topics: [`city.${slug}.telemetry.v1`, `city.${slug}.events.v1`],
      organizationDeleted: true,
    });
    expect((result.data?.['deleteTenant'] as { rows: number }).rows).toBeGreaterThanOrEqual(3);
    const left = await owner.query(
      `SELECT (SELECT count(*) FROM tenants WHERE id = $1)::int + (SELECT count(*) FROM telemetry WHERE tenant_id = $1)::int
              + (SELECT count(*) FROM devices WHERE tenant_id = $1)::int AS n`,
      [slug],
    );
    expect(left.rows[0].n).toBe(0);
    await expect(topicEndOffsets(kafka, `city.${slug}.events.v1`)).rejects.toThrow();
    expect(await organizationCount(slug)).toBe(0);
    expect(await redis.exists(`${DEVICE_DIRECTORY_CACHE_PREFIX}${slug}-d1`)).toBe(0);
  });
});
