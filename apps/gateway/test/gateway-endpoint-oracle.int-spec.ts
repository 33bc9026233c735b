import { randomBytes } from 'node:crypto';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';

jest.setTimeout(120_000);

const PROVISION =
  'mutation($d: [ProvisionDeviceInput!]!) { provisionDevices(devices: $d) { created { endpoint } skipped { endpoint reason } } }';

/**
 * Issue 17 item 4: provisioning must not be an oracle of other cities' endpoint names. Names another city uses get
 * the answer of a name of one's own city, and a tenant that runs into more than PROVISION_PROBE_BUDGET of them in
 * a window has its provisioning paused (a call of 1,000 probes reveals at most the budget).
 */
describe('endpoint names of other tenants', () => {
  const city = `gwe-${randomBytes(4).toString('hex')}`;
  // Another city of this run (not lyon: other suites spend lyon's budget within the same hour).
  const neighbour = `${city}-n`;
  let gateway: RunningGateway;
  let seed: Seed;
  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway({ PROVISION_PROBE_BUDGET: '3' }), seedCities()]);
    await seed.owner.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Probe City'), ($2, 'Neighbour')`, [
      city,
      neighbour,
    ]);
  });
  afterAll(async () => {
    await seed.owner.query('DELETE FROM devices WHERE tenant_id = ANY($1)', [[city, neighbour]]);
    await seed.owner.query('DELETE FROM tenants WHERE id = ANY($1)', [[city, neighbour]]);
    await seed?.cleanup();
    await gateway?.stop();
  });
  const asCity = async () => ({ token: await tokenOf('platform-admin'), tenant: city });
  const provision = async (endpoints: string[]) =>
    gql<{
      provisionDevices: { created: { endpoint: string }[]; skipped: { endpoint: string; reason: string }[] };
    }>(gateway, PROVISION, { d: endpoints.map((endpoint) => ({ endpoint })) }, await asCity());

  it("answers another city's name exactly like a name of one's own city", async () => {
    const own = `${city}-own`;
    expect((await provision([own])).errors).toEqual([]);
    const result = await provision([own, seed.lyon.waterEndpoint]);
    expect(result.data?.provisionDevices.skipped).toEqual([
      { endpoint: own, reason: 'ENDPOINT_TAKEN' },
      { endpoint: seed.lyon.waterEndpoint, reason: 'ENDPOINT_TAKEN' },
    ]);
  });

  it('refuses a probing call whole once it runs into more foreign names than the budget, then pauses provisioning', async () => {
    const probe = [
      `${city}-free-1`,
      seed.porto.waterEndpoint,
      `gwt-${seed.run}-porto-lamp`,
      `gwt-${seed.run}-lyon-lamp`,
    ];
    const refused = await provision(probe);
    expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.data).toBeNull();
    const { rows } = await seed.owner.query('SELECT count(*)::int AS n FROM devices WHERE endpoint = $1', [
      `${city}-free-1`,
    ]);
    expect(rows[0].n).toBe(0); // nothing of the refused call was created
    // Even a call of free names is refused now: the refusal says nothing about the names it carries.
    expect(codesOf(await provision([`${city}-free-2`]))).toEqual(['RATE_LIMITED']);
  });

  it("leaves other tenants' provisioning alone", async () => {
    const other = await gql(
      gateway,
      PROVISION,
      { d: [{ endpoint: `${neighbour}-new` }] },
      { token: await tokenOf('platform-admin'), tenant: neighbour },
    );
    expect(other.errors).toEqual([]);
  });
});
