import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';

jest.setTimeout(120_000);

/** Issue 17 item 5: ops endpoints off the public port, request size and parser limits. */
describe('gateway hardening of the public port', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ GATEWAY_BODY_LIMIT_BYTES: String(64 * 1024), GRAPHQL_MAX_TOKENS: '1000' });
  });
  afterAll(() => gateway?.stop());

  it('serves /metrics on the ops port only', async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    const ops = await fetch(`${gateway.opsUrl}/metrics`);
    expect(ops.status).toBe(200);
    expect(await ops.text()).toContain('gateway_graphql_errors_total');
    // Probes stay on the public port for load balancers, and are also on the ops port.
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${gateway.opsUrl}/healthz`)).status).toBe(200);
  });

  it('refuses a request body above the limit with 413 before parsing it', async () => {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await tokenOf('lyon-viewer')}`,
      },
      body: JSON.stringify({ query: '{ me { username } }', variables: { pad: 'x'.repeat(70 * 1024) } }),
    });
    expect(res.status).toBe(413);
  });

  it('stops parsing a document with more tokens than the limit', async () => {
    const query = `{ me { ${'username '.repeat(1200)} } }`;
    const result = await gql(gateway, query, {}, { token: await tokenOf('lyon-viewer') });
    expect(result.status).toBe(400);
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors[0]?.message).toMatch(/tokens/);
  });

  it('still answers a document within the limits', async () => {
    const result = await gql(gateway, '{ me { username } }', {}, { token: await tokenOf('lyon-viewer') });
    expect(result.data).toEqual({ me: { username: 'lyon-viewer' } });
  });
});
