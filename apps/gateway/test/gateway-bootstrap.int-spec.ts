import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';
import { TEST_ENV } from './support/test-env.config';

jest.setTimeout(120_000);

const SET_CONFIG = `mutation($i: BootstrapConfigInput!) { setBootstrapConfig(input: $i) {
  serverUri lifetime binding shortServerId defaultMinPeriod defaultMaxPeriod
  objectWrites { path values categories objectVersion } updatedAt } }`;
const IMPORT = `mutation($b: String, $e: [BootstrapCredentialEntryInput!]!) {
  importBootstrapCredentials(batch: $b, entries: $e) { imported replaced } }`;
const STATUS = `query($id: ID!) { device(id: $id) { id bootstrap { identity batch createdAt lastBootstrapAt
  override { serverUri lifetime binding } } } }`;
const OVERRIDE = `mutation($id: ID!, $i: BootstrapOverrideInput) { setDeviceBootstrapOverride(deviceId: $id, input: $i) {
  id bootstrap { override { lifetime } } } }`;
const REBOOTSTRAP = `mutation($id: ID!) { rebootstrapDevice(deviceId: $id) { id deviceId type status request } }`;

/**
 * Issue 18 through the real gateway (Keycloak tokens, PostgreSQL with RLS): the tenant's bootstrap configuration,
 * vendor imports (key never returned), a taken identity, tenant isolation, roles, and re-bootstrap as a command.
 */
describe('bootstrap through GraphQL', () => {
  const run = randomBytes(4).toString('hex');
  let gateway: RunningGateway;
  let seed: Seed;
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  const key = () => randomBytes(16).toString('hex');
  const identity = (n: string) => `gwb-${run}-${n}`;
  let admin: string;
  let lyonConfigBefore: Record<string, unknown> | undefined;

  beforeAll(async () => {
    [gateway, seed] = await Promise.all([startGateway(), seedCities()]);
    admin = await tokenOf('lyon-admin');
    lyonConfigBefore = (await owner.query("SELECT * FROM bootstrap_configs WHERE tenant_id = 'lyon'"))
      .rows[0] as Record<string, unknown> | undefined;
  });
  afterAll(async () => {
    // The demo city keeps the configuration it had.
    if (lyonConfigBefore) {
      const c = lyonConfigBefore;
      await owner.query(
        `UPDATE bootstrap_configs SET server_uri = $1, lifetime = $2, binding = $3, short_server_id = $4,
                default_min_period = $5, default_max_period = $6, object_writes = $7
         WHERE tenant_id = 'lyon'`,
        [
          c['server_uri'],
          c['lifetime'],
          c['binding'],
          c['short_server_id'],
          c['default_min_period'],
          c['default_max_period'],
          JSON.stringify(c['object_writes']),
        ],
      );
    } else await owner.query("DELETE FROM bootstrap_configs WHERE tenant_id = 'lyon'");
    await seed?.cleanup();
    await owner.end();
    await gateway?.stop();
  });

  it('sets and reads the tenant configuration, with defaults', async () => {
    const set = await gql(
      gateway,
      SET_CONFIG,
      { i: { serverUri: 'coaps://127.0.0.1:5684', lifetime: 120 } },
      {
        token: admin,
      },
    );
    expect(set.errors).toEqual([]);
    expect(set.data).toMatchObject({
      setBootstrapConfig: {
        serverUri: 'coaps://127.0.0.1:5684',
        lifetime: 120,
        binding: 'U',
        shortServerId: 1,
      },
    });
    const read = await gql(gateway, '{ bootstrapConfig { serverUri lifetime } }', {}, { token: admin });
    expect(read.data).toEqual({ bootstrapConfig: { serverUri: 'coaps://127.0.0.1:5684', lifetime: 120 } });
    const bad = await gql(gateway, SET_CONFIG, { i: { serverUri: 'http://x' } }, { token: admin });
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('sets default observation periods and a typed uCIFI object write; refuses an untyped one', async () => {
    const input = {
      serverUri: 'coaps://127.0.0.1:5684',
      defaultMinPeriod: 60,
      defaultMaxPeriod: 900,
      objectWrites: [{ path: '/3416/0', values: { '4': 40 }, categories: ['streetlight'] }],
    };
    const set = await gql(gateway, SET_CONFIG, { i: input }, { token: admin });
    expect(set.errors).toEqual([]);
    expect(set.data).toMatchObject({
      setBootstrapConfig: {
        defaultMinPeriod: 60,
        defaultMaxPeriod: 900,
        objectWrites: [
          { path: '/3416/0', values: { '4': 40 }, categories: ['streetlight'], objectVersion: null },
        ],
      },
    });
    for (const objectWrites of [
      [{ path: '/3416/0', values: { '4': 'bright' } }],
      [{ path: '/0/1', values: { '0': 'coap://x' } }],
    ]) {
      const refused = await gql(gateway, SET_CONFIG, { i: { ...input, objectWrites } }, { token: admin });
      expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(refused.errors)).toMatch(/objectWrites\[0\]/);
    }
    const periods = await gql(
      gateway,
      SET_CONFIG,
      { i: { ...input, defaultMinPeriod: 900, defaultMaxPeriod: 60 } },
      { token: admin },
    );
    expect(codesOf(periods)).toEqual(['BAD_USER_INPUT']);
  });

  it('imports a batch and shows its status, never the key', async () => {
    const k = key();
    const result = await gql(
      gateway,
      IMPORT,
      {
        b: `batch-${run}`,
        e: [
          { endpoint: seed.lyon.waterEndpoint, identity: identity('water'), keyHex: k },
          {
            endpoint: `gwt-${seed.run}-lyon-lamp`,
            identity: identity('lamp'),
            keyHex: key(),
          },
        ],
      },
      { token: admin },
    );
    expect(result.errors).toEqual([]);
    expect(result.data).toEqual({ importBootstrapCredentials: { imported: 2, replaced: 0 } });
    const status = await gql(gateway, STATUS, { id: seed.lyon.waterDeviceId }, { token: admin });
    expect(status.errors).toEqual([]);
    expect(status.data).toMatchObject({
      device: {
        bootstrap: {
          identity: identity('water'),
          batch: `batch-${run}`,
          lastBootstrapAt: null,
          override: null,
        },
      },
    });
    expect(JSON.stringify(status)).not.toContain(k);
    // Imported again: replaced, all or nothing.
    const again = await gql(
      gateway,
      IMPORT,
      { e: [{ endpoint: seed.lyon.waterEndpoint, identity: identity('water'), keyHex: key() }] },
      { token: admin },
    );
    expect(again.data).toEqual({ importBootstrapCredentials: { imported: 1, replaced: 1 } });
  });

  it('names the line of an endpoint the tenant does not have, and imports nothing', async () => {
    const result = await gql(
      gateway,
      IMPORT,
      {
        e: [
          { endpoint: `gwt-${seed.run}-lyon-none`, identity: identity('none-0'), keyHex: key() },
          // porto's device: unknown in lyon, answered the same way.
          { endpoint: seed.porto.waterEndpoint, identity: identity('none-1'), keyHex: key() },
        ],
      },
      { token: admin },
    );
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors[0]!.message).toMatch(/^entries\[0\]: the tenant has no device/);
    const porto = await gql(
      gateway,
      IMPORT,
      { e: [{ endpoint: seed.porto.waterEndpoint, identity: identity('none-1'), keyHex: key() }] },
      { token: admin },
    );
    expect(porto.errors[0]!.message).toMatch(/^entries\[0\]: the tenant has no device/);
    const rows = await owner.query('SELECT 1 FROM bootstrap_credentials WHERE psk_identity LIKE $1', [
      identity('none-%'),
    ]);
    expect(rows.rowCount).toBe(0);
  });

  it("refuses an identity another tenant's device has without naming it", async () => {
    const porto = await gql(
      gateway,
      IMPORT,
      { e: [{ endpoint: seed.porto.waterEndpoint, identity: identity('porto'), keyHex: key() }] },
      { token: await tokenOf('porto-admin') },
    );
    expect(porto.errors).toEqual([]);
    const taken = await gql(
      gateway,
      IMPORT,
      { e: [{ endpoint: `gwt-${seed.run}-lyon-lamp`, identity: identity('porto'), keyHex: key() }] },
      { token: admin },
    );
    expect(codesOf(taken)).toEqual(['BAD_USER_INPUT']);
    expect(taken.errors[0]!.extensions).toMatchObject({ reason: 'CREDENTIAL_TAKEN' });
    expect(JSON.stringify(taken.errors)).not.toMatch(/porto|gwt-/);
    // All or nothing: the lamp keeps its credential.
    const lamp = await owner.query('SELECT psk_identity FROM bootstrap_credentials WHERE device_id = $1', [
      seed.lyon.lampDeviceId,
    ]);
    expect(lamp.rows[0]).toEqual({ psk_identity: identity('lamp') });
  });

  it('sets and clears a device override', async () => {
    const set = await gql(
      gateway,
      OVERRIDE,
      { id: seed.lyon.waterDeviceId, i: { lifetime: 900 } },
      { token: admin },
    );
    expect(set.errors).toEqual([]);
    expect(set.data).toMatchObject({
      setDeviceBootstrapOverride: { bootstrap: { override: { lifetime: 900 } } },
    });
    const cleared = await gql(gateway, OVERRIDE, { id: seed.lyon.waterDeviceId }, { token: admin });
    expect(cleared.data).toMatchObject({ setDeviceBootstrapOverride: { bootstrap: { override: null } } });
  });

  it('re-bootstraps a device with an Execute of /1/0/9 through the command path', async () => {
    const result = await gql<{
      rebootstrapDevice: { id: string; type: string; status: string; request: unknown };
    }>(gateway, REBOOTSTRAP, { id: seed.lyon.waterDeviceId }, { token: admin });
    expect(result.errors).toEqual([]);
    expect(result.data!.rebootstrapDevice).toMatchObject({
      type: 'rebootstrap',
      status: 'PENDING',
      request: { operation: { op: 'execute', path: '/1/0/9' } },
    });
    const row = await owner.query('SELECT tenant_id, device_id, type, request FROM commands WHERE id = $1', [
      result.data!.rebootstrapDevice.id,
    ]);
    expect(row.rows[0]).toMatchObject({
      tenant_id: 'lyon',
      device_id: seed.lyon.waterDeviceId,
      type: 'rebootstrap',
      request: { operation: { op: 'execute', path: '/1/0/9' } },
    });
    // porto's device without a bootstrap credential in lyon's view: not found.
    const other = await gql(gateway, REBOOTSTRAP, { id: seed.porto.waterDeviceId }, { token: admin });
    expect(codesOf(other)).toEqual(['NOT_FOUND']);
    // A device of the tenant without a bootstrap credential.
    const none = await gql(
      gateway,
      REBOOTSTRAP,
      { id: seed.porto.lampDeviceId },
      {
        token: await tokenOf('porto-admin'),
      },
    );
    expect(codesOf(none)).toEqual(['BAD_USER_INPUT']);
  });

  it('does not let another tenant see or re-bootstrap the device', async () => {
    const porto = await tokenOf('porto-admin');
    const seen = await gql(gateway, STATUS, { id: seed.lyon.waterDeviceId }, { token: porto });
    expect(seen.data).toEqual({ device: null });
    const again = await gql(gateway, REBOOTSTRAP, { id: seed.lyon.waterDeviceId }, { token: porto });
    expect(codesOf(again)).toEqual(['NOT_FOUND']);
    const override = await gql(
      gateway,
      OVERRIDE,
      { id: seed.lyon.waterDeviceId, i: { lifetime: 60 } },
      {
        token: porto,
      },
    );
    expect(codesOf(override)).toEqual(['NOT_FOUND']);
  });

  describe('roles', () => {
    it.each(['lyon-operator', 'lyon-viewer'] as const)(
      'refuses configuration, imports and rebootstrap to %s',
      async (user) => {
        const token = await tokenOf(user);
        expect(codesOf(await gql(gateway, '{ bootstrapConfig { serverUri } }', {}, { token }))).toEqual([
          'FORBIDDEN',
        ]);
        expect(
          codesOf(await gql(gateway, SET_CONFIG, { i: { serverUri: 'coaps://127.0.0.1:5684' } }, { token })),
        ).toEqual(['FORBIDDEN']);
        expect(
          codesOf(
            await gql(
              gateway,
              IMPORT,
              { e: [{ endpoint: seed.lyon.waterEndpoint, identity: 'x', keyHex: key() }] },
              {
                token,
              },
            ),
          ),
        ).toEqual(['FORBIDDEN']);
        expect(codesOf(await gql(gateway, REBOOTSTRAP, { id: seed.lyon.waterDeviceId }, { token }))).toEqual([
          'FORBIDDEN',
        ]);
        // The status is for whoever reads devices; the identity for credential managers only.
        const status = await gql(
          gateway,
          'query($id: ID!) { device(id: $id) { bootstrap { batch } } }',
          { id: seed.lyon.waterDeviceId },
          { token },
        );
        expect(status.errors).toEqual([]);
        expect(status.data).toEqual({ device: { bootstrap: { batch: `batch-${run}` } } });
        const id = await gql(gateway, STATUS, { id: seed.lyon.waterDeviceId }, { token });
        expect(codesOf(id)).toEqual(['FORBIDDEN']);
      },
    );

    it('refuses an anonymous caller', async () => {
      expect(codesOf(await gql(gateway, '{ bootstrapConfig { serverUri } }'))).toEqual(['UNAUTHENTICATED']);
      expect(codesOf(await gql(gateway, REBOOTSTRAP, { id: seed.lyon.waterDeviceId }))).toEqual([
        'UNAUTHENTICATED',
      ]);
    });
  });
});
