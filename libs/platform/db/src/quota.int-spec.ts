import { randomBytes } from 'node:crypto';
import { EndpointRepository } from './endpoint.repository';
import { createPool } from './pool';
import { QuotaRepository } from './quota.repository';
import { TenantAdminRepository } from './tenant-admin.repository';
import { withTenant } from './transaction';

const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'db-quota-test-owner',
  max: 2,
});
const app = createPool({
  connectionString: 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity',
  applicationName: 'db-quota-test-app',
  max: 2,
});

/** Issue 17 item 7: plans, overrides, what the ingest reads, usage metering, the device quota of auto-provisioning. */
describe('tenant quotas and usage (platform db)', () => {
  const run = randomBytes(4).toString('hex');
  const A = `dbq-a-${run}`;
  const B = `dbq-b-${run}`;
  const tenants = new TenantAdminRepository(owner);
  const quotas = new QuotaRepository(app);

  beforeAll(async () => {
    await tenants.create({ id: A, name: 'A', autoProvision: true, autoProvisionPrefix: `dbq-${run}-` });
    await tenants.create({ id: B, name: 'B' });
    await owner.query(`UPDATE tenants SET plan = 'free' WHERE id = $1`, [B]);
    await owner.query(
      `INSERT INTO tenant_quotas (tenant_id, max_devices, max_messages_per_second) VALUES ($1, 2, 7)`,
      [A],
    );
  });
  afterAll(async () => {
    await tenants.delete(A);
    await tenants.delete(B);
    await owner.end();
    await app.end();
  });

  it('gives the ingest every tenant its rate limits: overrides first, then the plan', async () => {
    const limits = await quotas.messageRateLimits();
    expect(limits.find((l) => l.tenantId === A)).toEqual({
      tenantId: A,
      messagesPerSecond: 7,
      burst: 5000,
      acceptData: true,
    });
    expect(limits.find((l) => l.tenantId === B)).toMatchObject({ messagesPerSecond: 5, burst: 50 });
  });

  it('stops auto-provisioning at the device quota', async () => {
    const endpoints = new EndpointRepository(app);
    expect(await endpoints.autoProvision(`dbq-${run}-1`)).toMatchObject({ tenantId: A });
    expect(await endpoints.autoProvision(`dbq-${run}-2`)).toMatchObject({ tenantId: A });
    expect(await endpoints.autoProvision(`dbq-${run}-3`)).toBeNull();
    // An existing device still resolves.
    expect(await endpoints.autoProvision(`dbq-${run}-1`)).toMatchObject({ tenantId: A });
  });

  it('meters usage per day, adds what the services report, and lets a tenant read only its own', async () => {
    await quotas.recordUsage(A, { messages: 10, apiCalls: 3 });
    await quotas.recordUsage(A, { messages: 5 });
    await quotas.recordUsage(`nobody-${run}`, { messages: 5 });
    await quotas.meterUsage();
    const own = await withTenant(
      app,
      A,
      async (tx) =>
        (await tx.query('SELECT tenant_id, devices, messages, api_calls FROM tenant_usage_daily')).rows,
    );
    expect(own).toEqual([{ tenant_id: A, devices: 2, messages: '15', api_calls: '3' }]);
    const other = await withTenant(
      app,
      B,
      async (tx) =>
        (await tx.query('SELECT count(*)::int AS n FROM tenant_usage_daily WHERE tenant_id = $1', [A])).rows,
    );
    expect(other).toEqual([{ n: 0 }]);
  });

  it('refuses data once the stored values reach the plan', async () => {
    await owner.query(`UPDATE tenant_quotas SET max_stored_values = 100 WHERE tenant_id = $1`, [A]);
    await quotas.recordUsage(A, { values: 100 });
    expect((await quotas.messageRateLimits()).find((l) => l.tenantId === A)?.acceptData).toBe(false);
  });
});
