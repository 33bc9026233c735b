import { gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';

// The real gateway's /metrics (ops port) after real requests: execution time per root field and outcome, the
// series the dashboard's "GraphQL latency by root field" panel reads.
describe('gateway operation metrics', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway();
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  const count = (metrics: string, labels: string) =>
    Number(
      new RegExp(
        `^gateway_graphql_operation_duration_seconds_count\\{app="gateway",${labels}\\} (\\d+)$`,
        'm',
      ).exec(metrics)?.[1] ?? 0,
    );

  it('observes each executed operation by type, first root field and outcome', async () => {
    const token = await tokenOf('lyon-viewer');
    for (let i = 0; i < 3; i++)
      expect((await gql(gateway, '{ me { tenant } }', {}, { token })).errors).toEqual([]);
    const denied = await gql(gateway, '{ tenants { id } }', {}, { token });
    expect(denied.errors.length).toBeGreaterThan(0);
    // Refused before execution (a syntax error): not an execution, not observed.
    await gql(gateway, '{ me { ', {}, { token });
    const metrics = await (await fetch(`${gateway.opsUrl}/metrics`)).text();
    expect(count(metrics, 'type="query",field="me",outcome="ok"')).toBe(3);
    expect(count(metrics, 'type="query",field="tenants",outcome="error"')).toBe(1);
    expect(metrics).not.toMatch(/gateway_graphql_operation_duration_seconds_count\{[^}]*field="unknown"/);
  });
});
