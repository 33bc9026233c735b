import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { scopedTokenOf, tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';

jest.setTimeout(120_000);

const ME = '{ me { roles tenant memberships cityRoles { tenant roles } } }';
const ACK = 'mutation($id: ID!) { acknowledgeAlarm(id: $id) { id acknowledgedBy } }';
const PROVISION = 'mutation($e: String!) { provisionDevice(input: { endpoint: $e }) { id } }';

/**
 * Issue 17 item 1: roles hold per city. The demo user `consultant` is a member of lyon (organization group
 * /city-operator) and porto (/city-viewer); each request acts with the roles of the city it selected.
 */
describe('city roles per organization (Keycloak organization groups)', () => {
  let gateway: RunningGateway;
  let seed: Seed;
  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway(), seedCities()]);
  });
  afterAll(async () => {
    await seed?.cleanup();
    await gateway?.stop();
  });

  const consultant = () => scopedTokenOf('consultant', 'openid organization:*');

  it('reads the roles of each city from the token', async () => {
    const result = await gql(gateway, ME, {}, { token: await consultant(), tenant: 'lyon' });
    expect(result.errors).toEqual([]);
    expect(result.data?.['me']).toEqual({
      roles: ['city-operator'],
      tenant: 'lyon',
      memberships: expect.arrayContaining(['lyon', 'porto']),
      cityRoles: expect.arrayContaining([
        { tenant: 'lyon', roles: ['city-operator'] },
        { tenant: 'porto', roles: ['city-viewer'] },
      ]),
    });
    const porto = await gql(gateway, ME, {}, { token: await consultant(), tenant: 'porto' });
    expect(porto.data?.['me']).toMatchObject({ roles: ['city-viewer'], tenant: 'porto' });
  });

  it('lets the consultant acknowledge an alarm in lyon (operator) but not in porto (viewer)', async () => {
    const lyon = await gql(
      gateway,
      ACK,
      { id: seed.lyon.alarmId },
      { token: await consultant(), tenant: 'lyon' },
    );
    expect(lyon.errors).toEqual([]);
    expect(lyon.data?.['acknowledgeAlarm']).toMatchObject({ id: seed.lyon.alarmId });
    const porto = await gql(
      gateway,
      ACK,
      { id: seed.porto.alarmId },
      { token: await consultant(), tenant: 'porto' },
    );
    expect(codesOf(porto)).toEqual(['FORBIDDEN']);
    const untouched = await seed.owner.query('SELECT acknowledged_at FROM alarms WHERE id = $1', [
      seed.porto.alarmId,
    ]);
    expect(untouched.rows[0]?.acknowledged_at).toBeNull();
  });

  it('gives the consultant read access in porto and no device management anywhere', async () => {
    const read = await gql(
      gateway,
      '{ devices(first: 1) { edges { node { id } } } }',
      {},
      { token: await consultant(), tenant: 'porto' },
    );
    expect(read.errors).toEqual([]);
    for (const tenant of ['lyon', 'porto']) {
      const refused = await gql(
        gateway,
        PROVISION,
        { e: `gwt-${seed.run}-consultant-${tenant}` },
        { token: await consultant(), tenant },
      );
      expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    }
  });

  it('acts on no city until the consultant selects one', async () => {
    const result = await gql(
      gateway,
      '{ devices(first: 1) { edges { node { id } } } }',
      {},
      {
        token: await consultant(),
      },
    );
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.errors[0]?.message).toMatch(/x-tenant/);
  });

  it('refuses lyon with a token requested for porto only', async () => {
    const token = await scopedTokenOf('consultant', 'openid organization:porto');
    const result = await gql(gateway, ME, {}, { token, tenant: 'lyon' });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
  });

  it('keeps single-city users working with the default scopes', async () => {
    const result = await gql(gateway, ME, {}, { token: await tokenOf('porto-admin') });
    expect(result.data?.['me']).toMatchObject({ roles: ['city-admin'], tenant: 'porto' });
  });
});
