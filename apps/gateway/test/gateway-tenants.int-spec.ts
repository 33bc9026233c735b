import { randomBytes } from 'node:crypto';
import { deleteTopics, KafkaClient, topicEndOffsets } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { Pool } from 'pg';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { KEYCLOAK_URL, masterRealmToken, tokenOf } from './support/keycloak-tokens';
import { OWNER_URL } from './support/seed';
import { TEST_ENV } from './support/test-env.config';

jest.setTimeout(120_000);

const BROKERS = TEST_ENV.kafkaBrokers;

/** Organizations of the realm with this alias (Keycloak's `search` does not match aliases: list them all). */
async function organizations(alias: string): Promise<{ id: string; alias: string; name: string }[]> {
  const res = await fetch(`${KEYCLOAK_URL}/admin/realms/smartcity/organizations?first=0&max=1000`, {
    headers: { authorization: `Bearer ${await masterRealmToken()}` },
  });
  return ((await res.json()) as { id: string; alias: string; name: string }[]).filter(
    (o) => o.alias === alias,
  );
}

describe('tenant management by the platform admin', () => {
  const slug = `gwt-${randomBytes(4).toString('hex')}`;
  let gateway: RunningGateway;
  let owner: Pool;
  const kafka = new KafkaClient({
    clientId: 'gateway-tenants-test',
    brokers: BROKERS,
    logger: createLogger({ app: 'gateway-tenants-test', level: 'silent' }),
  });
  const topics = [`city.${slug}.telemetry.v1`, `city.${slug}.events.v1`];
  const topicExists = (topic: string) =>
    topicEndOffsets(kafka, topic).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    gateway = await startGateway();
    owner = new Pool({ connectionString: OWNER_URL, max: 1 });
  });
  afterAll(async () => {
    // Remove everything this run created: topics, organization, row.
    const mine: string[] = [];
    for (const t of topics) if (await topicExists(t)) mine.push(t);
    if (mine.length) await deleteTopics(kafka, mine);
    for (const org of await organizations(slug)) {
      const res = await fetch(`${KEYCLOAK_URL}/admin/realms/smartcity/organizations/${org.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await masterRealmToken()}` },
      });
      if (res.status !== 204) throw new Error(`organization ${slug} not deleted: HTTP ${res.status}`);
    }
    await owner.query('DELETE FROM tenants WHERE id = $1', [slug]);
    await owner.end();
    await gateway?.stop();
  });

  const CREATE = `mutation($input: CreateTenantInput!) {
    createTenant(input: $input) { id name retentionDays topics organizationId } }`;

  it('creates the database row, the partner Kafka topics and the Keycloak organization', async () => {
    const token = await tokenOf('platform-admin');
    const result = await gql(
      gateway,
      CREATE,
      { input: { id: slug, name: 'Test City', retentionDays: 30 } },
      { token },
    );
    expect(result.errors).toEqual([]);
    const tenant = result.data?.['createTenant'] as { organizationId: string };
    expect(tenant).toMatchObject({
      id: slug,
      name: 'Test City',
      retentionDays: 30,
      topics: [`city.${slug}.telemetry.v1`, `city.${slug}.events.v1`],
    });

    const { rows } = await owner.query('SELECT name, retention_days FROM tenants WHERE id = $1', [slug]);
    expect(rows).toEqual([{ name: 'Test City', retention_days: 30 }]);
    for (const topic of topics) expect(await topicExists(topic)).toBe(true);
    const orgs = await organizations(slug);
    expect(orgs).toEqual([
      expect.objectContaining({ alias: slug, name: 'Test City', id: tenant.organizationId }),
    ]);
    // The organization groups that grant the city roles in this city only.
    const groups = await fetch(
      `${KEYCLOAK_URL}/admin/realms/smartcity/organizations/${tenant.organizationId}/groups`,
      { headers: { authorization: `Bearer ${await masterRealmToken()}` } },
    );
    expect(((await groups.json()) as { name: string }[]).map((g) => g.name).sort()).toEqual([
      'city-admin',
      'city-operator',
      'city-viewer',
      'utility',
    ]);

    const list = await gql(gateway, '{ tenants { id } }', {}, { token });
    expect(JSON.stringify(list.data)).toContain(slug);
  });

  it('creates tenants that refuse NoSec devices unless asked (issue 14)', async () => {
    const result = await gql(
      gateway,
      'query($id: ID!) { tenant(id: $id) { allowNosec } }',
      { id: slug },
      { token: await tokenOf('platform-admin') },
    );
    expect(result.errors).toEqual([]);
    expect(result.data).toEqual({ tenant: { allowNosec: false } });
    const { rows } = await owner.query('SELECT allow_nosec FROM tenants WHERE id = $1', [slug]);
    expect(rows).toEqual([{ allow_nosec: false }]);
  });

  it('refuses to create the same tenant twice', async () => {
    const result = await gql(
      gateway,
      CREATE,
      { input: { id: slug, name: 'Again' } },
      { token: await tokenOf('platform-admin') },
    );
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('updates the row and the organization name', async () => {
    const result = await gql(
      gateway,
      'mutation($id: ID!) { updateTenant(id: $id, input: { name: "Renamed City", retentionDays: 60 }) { name retentionDays } }',
      { id: slug },
      { token: await tokenOf('platform-admin') },
    );
    expect(result.errors).toEqual([]);
    expect(result.data?.['updateTenant']).toEqual({ name: 'Renamed City', retentionDays: 60 });
    expect((await organizations(slug))[0]?.name).toBe('Renamed City');
  });

  it('refuses tenant management to a city admin', async () => {
    const result = await gql(
      gateway,
      CREATE,
      { input: { id: `${slug}-x`, name: 'Nope' } },
      { token: await tokenOf('lyon-admin') },
    );
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    const { rowCount } = await owner.query('SELECT 1 FROM tenants WHERE id = $1', [`${slug}-x`]);
    expect(rowCount).toBe(0);
  });
});
