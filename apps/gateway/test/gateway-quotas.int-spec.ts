import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';
import { OWNER_URL } from './support/seed';

jest.setTimeout(120_000);

const QUOTA = '{ plan maxDevices maxApiCallsPerDay overridden storedValues }';

/** Issue 17 item 7: per-tenant quotas set by platform admins, enforced at the gateway, usage per day. */
describe('tenant quotas and usage', () => {
  const slug = `gwq-${randomBytes(4).toString('hex')}`;
  let gateway: RunningGateway;
  let owner: Pool;
  beforeAll(async () => {
    owner = new Pool({ connectionString: OWNER_URL, max: 1 });
    await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Quota City')`, [slug]);
    // The limits the mutation test sets too, so each test can run alone.
    await owner.query(
      `INSERT INTO tenant_quotas (tenant_id, max_devices, max_api_calls_per_day) VALUES ($1, 2, 8)`,
      [slug],
    );
    gateway = await startGateway({
      USAGE_FLUSH_INTERVAL_MS: '300',
      USAGE_METER_INTERVAL_MS: '500',
      QUOTA_CACHE_MS: '1',
    });
  });
  afterAll(async () => {
    await owner.query('DELETE FROM devices WHERE tenant_id = $1', [slug]);
    await owner.query('DELETE FROM tenants WHERE id = $1', [slug]);
    await owner.end();
    await gateway?.stop();
  });
  const admin = async () => ({ token: await tokenOf('platform-admin') });

  it('lets a platform admin set a plan and overrides, and nobody else', async () => {
    const set = await gql(
      gateway,
      `mutation($t: ID!) { setTenantQuota(tenant: $t, input: { plan: "free", maxDevices: 2, maxApiCallsPerDay: 8 }) ${QUOTA} }`,
      { t: slug },
      await admin(),
    );
    expect(set.errors).toEqual([]);
    expect(set.data?.['setTenantQuota']).toEqual({
      plan: 'free',
      maxDevices: 2,
      maxApiCallsPerDay: 8,
      overridden: ['maxDevices', 'maxApiCallsPerDay'],
      storedValues: 0,
    });
    const refused = await gql(
      gateway,
      `mutation($t: ID!) { setTenantQuota(tenant: $t, input: { maxDevices: 100000 }) { maxDevices } }`,
      { t: 'lyon' },
      { token: await tokenOf('lyon-admin') },
    );
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    const plans = await gql(gateway, '{ plans { id maxDevices } }', {}, await admin());
    expect(plans.data?.['plans']).toEqual(expect.arrayContaining([{ id: 'free', maxDevices: 50 }]));
  });

  it('refuses provisioning beyond the device quota with QUOTA_EXCEEDED, creating nothing', async () => {
    const auth = { ...(await admin()), tenant: slug };
    const provision = (endpoints: string[]) =>
      gql(
        gateway,
        'mutation($d: [ProvisionDeviceInput!]!) { provisionDevices(devices: $d) { created { endpoint } } }',
        { d: endpoints.map((endpoint) => ({ endpoint })) },
        auth,
      );
    const tooMany = await provision([`${slug}-1`, `${slug}-2`, `${slug}-3`]);
    expect(codesOf(tooMany)).toEqual(['QUOTA_EXCEEDED']);
    expect(tooMany.errors[0]?.extensions).toMatchObject({ quota: 'devices', limit: 2, used: 0 });
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM devices WHERE tenant_id = $1', [slug]);
    expect(rows[0].n).toBe(0);
    expect((await provision([`${slug}-1`, `${slug}-2`])).errors).toEqual([]);
    expect(codesOf(await provision([`${slug}-3`]))).toEqual(['QUOTA_EXCEEDED']);
  });

  it('refuses API calls beyond the daily quota, and meters them', async () => {
    const auth = { ...(await admin()), tenant: slug };
    const codes: string[][] = [];
    for (let i = 0; i < 10; i++)
      codes.push(codesOf(await gql(gateway, '{ devices(first: 1) { edges { cursor } } }', {}, auth)));
    expect(codes.at(-1)).toEqual(['QUOTA_EXCEEDED']);
    expect(codes.filter((c) => c.length === 0).length).toBeLessThanOrEqual(8);
    await new Promise((r) => setTimeout(r, 1500)); // flush and metering intervals of this gateway
    const usage = await gql<{ tenant: { usage: { apiCalls: number; devices: number }[] } }>(
      gateway,
      `query($t: ID!) { tenant(id: $t) { usage { day devices apiCalls messages valuesStored } } }`,
      { t: slug },
      await admin(),
    );
    expect(usage.errors).toEqual([]);
    expect(usage.data?.tenant.usage).toEqual([
      expect.objectContaining({ devices: 2, apiCalls: 8, day: new Date().toISOString().slice(0, 10) }),
    ]);
  });

  it('shows a city its own quota and usage to its admins only', async () => {
    const query = `query($t: ID!) { tenant(id: $t) { id quota ${QUOTA} usage { day } } }`;
    const own = await gql(gateway, query, { t: 'lyon' }, { token: await tokenOf('lyon-admin') });
    expect(own.errors).toEqual([]);
    expect(own.data?.['tenant']).toMatchObject({ id: 'lyon', quota: { plan: 'standard' } });
    const operator = await gql(gateway, query, { t: 'lyon' }, { token: await tokenOf('lyon-operator') });
    expect(codesOf(operator)).toEqual(['FORBIDDEN']);
    const other = await gql(gateway, query, { t: 'porto' }, { token: await tokenOf('lyon-admin') });
    expect(other.data?.['tenant']).toBeNull();
  });
});
