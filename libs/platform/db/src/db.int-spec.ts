import { randomBytes } from 'node:crypto';
import { EndpointRepository } from './endpoint.repository';
import { createPool } from './pool';
import { TenantAdminRepository } from './tenant-admin.repository';
import { withPlatformAdmin, withTenant } from './transaction';

/** The local stack's roles (deploy/local): owner runs migrations, app is what services connect as. */
const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'db-lib-test-owner',
  max: 2,
});
const app = createPool({
  connectionString: 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity',
  applicationName: 'db-lib-test-app',
  max: 1, // one connection: consecutive transactions reuse it, which is what the leak test needs
});

describe('platform db against the local stack', () => {
  const run = randomBytes(4).toString('hex');
  const A = `db-a-${run}`;
  const B = `db-b-${run}`;
  const tenants = new TenantAdminRepository(owner);

  beforeAll(async () => {
    await tenants.create({ id: A, name: 'A', autoProvision: true, autoProvisionPrefix: `auto-${run}-` });
    await tenants.create({ id: B, name: 'B', autoProvision: true, autoProvisionPrefix: `auto-${run}-long-` });
    await owner.query(`INSERT INTO device_profiles (tenant_id, name, observe) VALUES ($1, 'meter', $2)`, [
      A,
      JSON.stringify([{ path: '/3424/0/1', attributes: { pmin: 60, pmax: 900 } }]),
    ]);
    await owner.query(
      `INSERT INTO devices (tenant_id, endpoint, profile) VALUES ($1, $2, 'meter'), ($3, $4, NULL)`,
      [A, `ep-a-${run}`, B, `ep-b-${run}`],
    );
  });
  afterAll(async () => {
    await tenants.delete(A);
    await tenants.delete(B);
    await owner.end();
    await app.end();
  });

  it('withTenant sees only its tenant, and the setting ends with the transaction', async () => {
    const inA = await withTenant(app, A, async (c) => (await c.query('SELECT tenant_id FROM devices')).rows);
    expect(inA).toEqual([{ tenant_id: A }]);
    // Same pooled connection, no tenant set: nothing visible.
    const after = await app.query<{ n: string; setting: string | null }>(
      "SELECT count(*) AS n, current_setting('app.tenant_id', true) AS setting FROM devices",
    );
    expect(after.rows[0]).toMatchObject({ n: '0' });
    expect(['', null]).toContain(after.rows[0]!.setting);
  });

  it('refuses writes into another tenant and rolls the transaction back', async () => {
    await expect(
      withTenant(app, A, async (c) => {
        await c.query(`INSERT INTO devices (tenant_id, endpoint) VALUES ($1, $2)`, [A, `ok-${run}`]);
        await c.query(`INSERT INTO devices (tenant_id, endpoint) VALUES ($1, $2)`, [B, `sneaky-${run}`]);
      }),
    ).rejects.toMatchObject({ code: '42501' });
    expect(
      (
        await owner.query('SELECT count(*)::int AS n FROM devices WHERE endpoint = ANY($1)', [
          [`ok-${run}`, `sneaky-${run}`],
        ])
      ).rows[0],
    ).toEqual({ n: 0 });
  });

  it.each([
    ['DELETE FROM telemetry'],
    ['UPDATE telemetry SET value_num = 0'],
    ['DELETE FROM tenants'],
    ["INSERT INTO tenants (id, name) VALUES ('zz-evil', 'x')"],
  ])('does not grant the app role: %s', async (sql) => {
    await expect(withTenant(app, A, (c) => c.query(sql))).rejects.toMatchObject({ code: '42501' });
  });

  it('rejects an invalid tenant slug before touching the database', async () => {
    await expect(withTenant(app, "x'; DROP TABLE tenants; --", async () => 1)).rejects.toMatchObject({
      code: 'DB_INVALID_TENANT',
    });
  });

  it('resolves endpoints across tenants through the SECURITY DEFINER function', async () => {
    const repo = new EndpointRepository(app);
    expect(await repo.resolve(`ep-a-${run}`)).toMatchObject({
      tenantId: A,
      profile: 'meter',
      observe: [{ path: '/3424/0/1', attributes: { pmin: 60, pmax: 900 } }],
      decommissioned: false,
      autoProvisioned: false,
    });
    expect(await repo.resolve(`ep-b-${run}`)).toMatchObject({ tenantId: B, observe: [] });
    expect(await repo.resolve(`nobody-${run}`)).toBeNull();
  });

  it('auto-provisions into the tenant with the longest matching prefix, once', async () => {
    const repo = new EndpointRepository(app);
    const short = await repo.autoProvision(`auto-${run}-x1`);
    const long = await repo.autoProvision(`auto-${run}-long-x2`);
    expect(short).toMatchObject({ tenantId: A, autoProvisioned: true });
    expect(long).toMatchObject({ tenantId: B, autoProvisioned: true });
    const [again1, again2] = await Promise.all([
      repo.autoProvision(`auto-${run}-x1`),
      repo.autoProvision(`auto-${run}-x1`),
    ]);
    expect(again1?.deviceId).toBe(short?.deviceId);
    expect(again2?.deviceId).toBe(short?.deviceId);
    expect(await repo.autoProvision(`other-${run}`)).toBeNull();
  });

  it('the platform-admin path sees every tenant', async () => {
    const seen = await withPlatformAdmin(
      owner,
      async (c) =>
        (
          await c.query<{ tenant_id: string }>(
            'SELECT DISTINCT tenant_id FROM devices WHERE tenant_id = ANY($1) ORDER BY 1',
            [[A, B]],
          )
        ).rows,
    );
    expect(seen.map((r) => r.tenant_id)).toEqual([A, B].sort());
  });
});
