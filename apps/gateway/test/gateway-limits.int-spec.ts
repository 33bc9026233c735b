import { randomBytes } from 'node:crypto';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';

jest.setTimeout(120_000);

const nest = (depth: number) => {
  // device -> activeAlarms -> device -> ... alternating, `depth` fields deep.
  let inner = 'id';
  for (let i = depth - 1; i >= 1; i--)
    inner = i % 2 === 1 ? `device { ${inner} }` : `activeAlarms { ${inner} }`;
  return `{ device(id: "00000000-0000-0000-0000-000000000000") { activeAlarms { ${inner} } } }`;
};

describe('API safety: query limits, introspection and suggestions', () => {
  let dev: RunningGateway;
  let prod: RunningGateway;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([
      startGateway({
        NODE_ENV: 'development',
        GRAPHQL_MAX_DEPTH: '8',
        GRAPHQL_MAX_ALIASES: '10',
        GRAPHQL_MAX_COST: '5000',
      }),
      // Production refuses the local development sealing key (a public value).
      startGateway({
        NODE_ENV: 'production',
        CREDENTIAL_KEYS: `limits-test:${randomBytes(32).toString('base64')}`,
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([dev?.stop(), prod?.stop()]);
  });

  const asViewer = async () => ({ token: await tokenOf('lyon-viewer') });

  it.each([
    ['a query nested deeper than the limit', nest(12), 'depth'],
    [
      'more aliases than the limit',
      `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: me { username }`).join(' ')} }`,
      'aliases',
    ],
    [
      'a query whose estimated cost is above the limit',
      '{ devices(first: 500) { edges { node { state { resources { path } } activeAlarms { id } } } } }',
      'cost',
    ],
    [
      'cost hidden behind fragments and a variable page size',
      'query($n: Int) { devices(first: $n) { ...D } } fragment D on DeviceConnection { edges { node { state { resources { path } } } } }',
      'cost',
    ],
  ])('refuses %s before executing it', async (_n, query, limit) => {
    const result = await gql(dev, query, {}, await asViewer());
    expect(result.status).toBe(400);
    expect(result.data).toBeNull();
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors[0]?.extensions).toMatchObject({ limit });
  });

  it('still answers a query within the limits', async () => {
    const result = await gql(dev, nest(6), {}, await asViewer());
    expect(result.errors).toEqual([]);
    expect(result.data).toEqual({ device: null });
  });

  it('refuses an abusive query of an anonymous caller with the validation error', async () => {
    const result = await gql(dev, nest(20));
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('allows introspection in development and refuses it in production', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await gql(dev, query, {}, await asViewer())).data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    const refused = await gql(prod, query, {}, await asViewer());
    expect(codesOf(refused)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(refused.data).toBeNull();
  });

  it('suggests field names in development only', async () => {
    const query = '{ me { usernme } }';
    expect((await gql(dev, query, {}, await asViewer())).errors[0]?.message).toMatch(
      /Did you mean "username"/,
    );
    const production = await gql(prod, query, {}, await asViewer());
    expect(production.errors[0]?.message).toBe('Cannot query field "usernme" on type "Me".');
  });

  it('answers bad input with BAD_USER_INPUT and no internals', async () => {
    const result = await gql(
      prod,
      'query($id: ID!) { telemetry(deviceId: $id, metric: "m", from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { unit } }',
      { id: 'x' },
      await asViewer(),
    );
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors[0]?.message).toBe('from must be before to');
  });
});
