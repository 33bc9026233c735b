import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { CredentialKeyring, DeviceCredentialRepository } from '@smartcity/platform-db';
import {
  CERTIFICATE_AUTHORITY_CHANGES_CHANNEL,
  DEVICE_CHANGES_CHANNEL,
  DEVICE_DIRECTORY_CACHE_PREFIX,
  type DeviceChange,
} from '@smartcity/platform-redis';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { selfSignedPem } from './support/certificates';
import { codesOf, gql, type GqlResult, type RunningGateway, startGateway } from './support/gateway-process';
import { tokenOf } from './support/keycloak-tokens';
import { type Seed, seedCities } from './support/seed';
import { TEST_ENV } from './support/test-env.config';

jest.setTimeout(120_000);

const DEVICE_FIELDS = 'id endpoint securityMode pskIdentity';
const PROVISION = `mutation($d: [ProvisionDeviceInput!]!) { provisionDevices(devices: $d) {
  created { ${DEVICE_FIELDS} generatedPsk { identity keyHex } } skipped { endpoint reason } } }`;
const PROVISION_ONE = `mutation($i: ProvisionDeviceInput!) { provisionDevice(input: $i) {
  ${DEVICE_FIELDS} generatedPsk { identity keyHex } } }`;
const SET = `mutation($id: ID!, $c: DeviceCredentialInput!) { setDeviceCredential(id: $id, credential: $c) {
  device { ${DEVICE_FIELDS} } generatedPsk { identity keyHex } } }`;
const REMOVE = `mutation($id: ID!) { removeDeviceCredential(id: $id) { ${DEVICE_FIELDS} } }`;

interface Provisioned {
  id: string;
  endpoint: string;
  securityMode: string;
  pskIdentity: string | null;
  generatedPsk: { identity: string; keyHex: string } | null;
}
type BulkResult = GqlResult<{
  provisionDevices: { created: Provisioned[]; skipped: { endpoint: string; reason: string }[] };
}>;

/**
 * Issue 14 "Credentials per device", through the real gateway: provisioning with each kind of credential, a
 * generated PSK shown once and never again, only sealed bytes in the database, rotation and removal, the tenant's
 * CAs and NoSec setting, the refusals, and the device changes the ingest hears of at once (Redis).
 */
describe('device credentials through GraphQL', () => {
  const run = randomBytes(4).toString('hex');
  const A = `gwc-a-${run}`;
  const B = `gwc-b-${run}`;
  /** Runs into other tenants' credentials: its provisioning ends up paused, so it has a tenant of its own. */
  const PROBE = `gwc-p-${run}`;
  const ep = (tenant: string, name: string) => `${tenant}-${name}`;
  let gateway: RunningGateway;
  let seed: Seed;
  const owner = new Pool({ connectionString: TEST_ENV.ownerUrl, max: 2 });
  const app = new Pool({ connectionString: LOCAL_STACK.databaseUrl, max: 1 });
  const redis = new Redis(TEST_ENV.redisUrl);
  const subscriber = new Redis(TEST_ENV.redisUrl);
  const changes: DeviceChange[] = [];
  const caChanges: string[] = [];
  const repository = new DeviceCredentialRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
  const asTenant = async (tenant: string) => ({ token: await tokenOf('platform-admin'), tenant });

  beforeAll(async () => {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === DEVICE_CHANGES_CHANNEL) changes.push(JSON.parse(message) as DeviceChange);
      if (channel === CERTIFICATE_AUTHORITY_CHANGES_CHANNEL) caChanges.push(message);
    });
    await subscriber.subscribe(DEVICE_CHANGES_CHANNEL, CERTIFICATE_AUTHORITY_CHANGES_CHANNEL);
    [gateway, seed] = await Promise.all([startGateway({ PROVISION_PROBE_BUDGET: '4' }), seedCities()]);
    // Inserted as a bare row would be: the column default decides NoSec.
    await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, 'A'), ($2, 'B'), ($3, 'Probe')`, [
      A,
      B,
      PROBE,
    ]);
  });
  afterAll(async () => {
    await owner.query('DELETE FROM devices WHERE tenant_id = ANY($1)', [[A, B, PROBE]]);
    await owner.query('DELETE FROM tenants WHERE id = ANY($1)', [[A, B, PROBE]]);
    await seed?.cleanup();
    await owner.end();
    await app.end();
    redis.disconnect();
    subscriber.disconnect();
    await gateway?.stop();
  });

  /** Waits until the ingest's channel carried this change. */
  const published = async (endpoint: string, change: DeviceChange['change']) => {
    const deadline = Date.now() + 5_000;
    while (!changes.some((c) => c.endpoint === endpoint && c.change === change)) {
      if (Date.now() > deadline) throw new Error(`no ${change} published for ${endpoint}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return changes.filter((c) => c.endpoint === endpoint);
  };
  const credentialRow = async (deviceId: string) =>
    (await owner.query('SELECT * FROM device_credentials WHERE device_id = $1', [deviceId])).rows[0] as
      Record<string, unknown> | undefined;
  const probesSpent = async (tenant: string) => {
    let spent = 0;
    for (const key of await redis.keys(`quota:probe:${tenant}:*`)) spent += Number(await redis.get(key));
    return spent;
  };

  const givenKey = randomBytes(16).toString('hex');
  const rpk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const rpkPem = rpk.export({ format: 'pem', type: 'spki' }).toString();
  const rpk2Der = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ format: 'der', type: 'spki' })
    .toString('base64');
  let generated: Provisioned;

  it('provisions devices with each kind of credential, a generated PSK shown in the result', async () => {
    const result: BulkResult = await gql(
      gateway,
      PROVISION,
      {
        d: [
          { endpoint: ep(A, 'psk'), credential: { psk: { identity: `${A}-id`, keyHex: givenKey } } },
          { endpoint: ep(A, 'gen'), credential: { generatePsk: true } },
          { endpoint: ep(A, 'rpk'), credential: { rpk: { publicKeyPem: rpkPem } } },
          { endpoint: ep(A, 'rpk-der'), credential: { rpk: { publicKeyDerBase64: rpk2Der } } },
          { endpoint: ep(A, 'x509'), credential: { x509: true } },
          { endpoint: ep(A, 'nosec') },
        ],
      },
      await asTenant(A),
    );
    expect(result.errors).toEqual([]);
    const created = result.data!.provisionDevices.created;
    expect(result.data!.provisionDevices.skipped).toEqual([]);
    const by = (name: string) => created.find((d) => d.endpoint === ep(A, name))!;
    expect(by('psk')).toMatchObject({ securityMode: 'PSK', pskIdentity: `${A}-id`, generatedPsk: null });
    generated = by('gen');
    expect(generated).toMatchObject({
      securityMode: 'PSK',
      pskIdentity: ep(A, 'gen'),
      generatedPsk: { identity: ep(A, 'gen'), keyHex: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    expect(by('rpk')).toMatchObject({ securityMode: 'RPK', pskIdentity: null, generatedPsk: null });
    expect(by('rpk-der')).toMatchObject({ securityMode: 'RPK' });
    expect(by('x509')).toMatchObject({ securityMode: 'X509', generatedPsk: null });
    expect(by('nosec')).toMatchObject({ securityMode: 'NOSEC', pskIdentity: null, generatedPsk: null });

    // The database holds the keys sealed, never in the clear; the ingest's lookup opens them to what was given.
    for (const [device, keyHex] of [
      [by('psk'), givenKey],
      [generated, generated.generatedPsk!.keyHex],
    ] as const) {
      const row = await credentialRow(device.id);
      const sealed = row!['psk_key_sealed'] as Buffer;
      expect(row!['key_id']).toBe('dev-credentials');
      expect(sealed.includes(Buffer.from(keyHex, 'hex'))).toBe(false);
      expect(JSON.stringify(row)).not.toContain(keyHex);
      const opened = await repository.resolvePsk(app, device.pskIdentity!);
      expect(opened?.key.toString('hex')).toBe(keyHex);
    }
    expect((await credentialRow(by('rpk').id))!['mode']).toBe('rpk');
    expect(await credentialRow(by('nosec').id)).toBeUndefined();

    // The ingest hears of every device with a credential (a negative cache of its identity goes).
    for (const name of ['psk', 'gen', 'rpk', 'rpk-der', 'x509']) {
      expect(await published(ep(A, name), 'credential-changed')).toEqual([
        { tenant: A, endpoint: ep(A, name), change: 'credential-changed' },
      ]);
    }
    expect(changes.some((c) => c.endpoint === ep(A, 'nosec'))).toBe(false);
  });

  it('never returns a key again: no query has it, not even every field of every device', async () => {
    const list = await gql(
      gateway,
      `{ devices(first: 100) { edges { node { id endpoint name category profile attributes status online lastSeenAt
         createdAt decommissionedAt autoProvisioned securityMode pskIdentity
         registration { endpoint registrationId } } } } }`,
      {},
      await asTenant(A),
    );
    expect(list.errors).toEqual([]);
    expect(JSON.stringify(list.data)).toContain(ep(A, 'gen'));
    expect(JSON.stringify(list.data)).not.toContain(generated.generatedPsk!.keyHex);
    expect(JSON.stringify(list.data)).not.toContain(givenKey);
    const asked = await gql(
      gateway,
      'query($id: ID!) { device(id: $id) { generatedPsk { keyHex } } }',
      { id: generated.id },
      await asTenant(A),
    );
    expect(codesOf(asked)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    // Introspection: the Device type has no field for it (schema-secrets.spec.ts walks every type a query reaches).
    const schema = await gql(
      gateway,
      '{ __type(name: "Device") { fields { name } } }',
      {},
      await asTenant(A),
    );
    expect(JSON.stringify(schema.data)).not.toMatch(/generatedPsk|keyHex|sealed/);
  });

  it('rotates a credential (a new key, shown once) and removes it, telling the ingest each time', async () => {
    await redis.set(DEVICE_DIRECTORY_CACHE_PREFIX + generated.endpoint, '{"tenantId":"x"}', 'EX', 60);
    const rotated = await gql<{
      setDeviceCredential: { device: Provisioned; generatedPsk: { identity: string; keyHex: string } };
    }>(gateway, SET, { id: generated.id, c: { generatePsk: true } }, await asTenant(A));
    expect(rotated.errors).toEqual([]);
    const next = rotated.data!.setDeviceCredential;
    expect(next.generatedPsk.identity).toBe(generated.endpoint);
    expect(next.generatedPsk.keyHex).not.toBe(generated.generatedPsk!.keyHex);
    expect((await repository.resolvePsk(app, generated.endpoint))!.key.toString('hex')).toBe(
      next.generatedPsk.keyHex,
    );
    expect((await credentialRow(generated.id))!['rotated_at']).toBeInstanceOf(Date);
    expect(await redis.exists(DEVICE_DIRECTORY_CACHE_PREFIX + generated.endpoint)).toBe(0);

    const x509 = await gql<{ setDeviceCredential: { device: Provisioned; generatedPsk: null } }>(
      gateway,
      SET,
      { id: generated.id, c: { x509: true } },
      await asTenant(A),
    );
    expect(x509.data?.setDeviceCredential).toEqual({
      device: expect.objectContaining({ securityMode: 'X509', pskIdentity: null }),
      generatedPsk: null,
    });
    expect(await repository.resolvePsk(app, generated.endpoint)).toBeUndefined();

    const removed = await gql<{ removeDeviceCredential: Provisioned }>(
      gateway,
      REMOVE,
      { id: generated.id },
      await asTenant(A),
    );
    expect(removed.data?.removeDeviceCredential).toMatchObject({ securityMode: 'NOSEC', pskIdentity: null });
    expect(await credentialRow(generated.id)).toBeUndefined();
    // Provisioning, rotation, X.509, removal: four changes of this device, in order.
    const deadline = Date.now() + 5_000;
    while (changes.filter((c) => c.endpoint === generated.endpoint).length < 4) {
      if (Date.now() > deadline) throw new Error('removal not published');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(changes.filter((c) => c.endpoint === generated.endpoint).map((c) => c.change)).toEqual(
      Array(4).fill('credential-changed'),
    );
  });

  it('publishes a decommissioning at once; a decommissioned device gets no new credential', async () => {
    const device = await gql<{ provisionDevice: Provisioned }>(
      gateway,
      PROVISION_ONE,
      { i: { endpoint: ep(A, 'decom'), credential: { generatePsk: true } } },
      await asTenant(A),
    );
    const id = device.data!.provisionDevice.id;
    expect(device.data!.provisionDevice.generatedPsk?.keyHex).toMatch(/^[0-9a-f]{32}$/);
    await redis.set(DEVICE_DIRECTORY_CACHE_PREFIX + ep(A, 'decom'), '{"tenantId":"x"}', 'EX', 60);
    const result = await gql(
      gateway,
      'mutation($id: ID!) { decommissionDevice(id: $id) { decommissionedAt securityMode } }',
      { id },
      await asTenant(A),
    );
    expect(result.errors).toEqual([]);
    expect(await published(ep(A, 'decom'), 'decommissioned')).toContainEqual({
      tenant: A,
      endpoint: ep(A, 'decom'),
      change: 'decommissioned',
    });
    expect(await redis.exists(DEVICE_DIRECTORY_CACHE_PREFIX + ep(A, 'decom'))).toBe(0);
    const refused = await gql(gateway, SET, { id, c: { x509: true } }, await asTenant(A));
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors[0]?.message).toMatch(/decommissioned/);
    const removed = await gql(gateway, REMOVE, { id }, await asTenant(A));
    expect(removed.errors).toEqual([]);
  });

  it.each([
    ['a short key', { psk: { identity: 'x-1', keyHex: 'abcd' } }, /16 to 64 bytes/],
    ['a key that is not hex', { psk: { identity: 'x-1', keyHex: 'zz'.repeat(16) } }, /hexadecimal/],
    ['an identity with spaces', { psk: { identity: 'a b', keyHex: 'ab'.repeat(16) } }, /PSK identity/],
    [
      'a private key for a public one',
      {
        rpk: {
          publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .privateKey.export({ format: 'pem', type: 'pkcs8' })
            .toString(),
        },
      },
      /private key/,
    ],
    [
      'a P-384 key',
      {
        rpk: {
          publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-384' })
            .publicKey.export({ format: 'pem', type: 'spki' })
            .toString(),
        },
      },
      /P-256/,
    ],
    ['two kinds at once', { x509: true, generatePsk: true }, /exactly one of/],
    ['no kind', {}, /exactly one of/],
  ])(
    'refuses %s as BAD_USER_INPUT with a clear message, creating nothing',
    async (_what, credential, message) => {
      const endpoint = ep(A, `bad-${randomBytes(3).toString('hex')}`);
      const result = await gql(gateway, PROVISION_ONE, { i: { endpoint, credential } }, await asTenant(A));
      expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors[0]?.message).toMatch(message);
      expect(result.errors[0]?.extensions?.['argument']).toMatch(/^device\.credential/);
      const body = (credential as { rpk?: { publicKeyPem: string } }).rpk?.publicKeyPem.split('\n')[1];
      if (body) expect(JSON.stringify(result)).not.toContain(body);
      const { rowCount } = await owner.query('SELECT 1 FROM devices WHERE endpoint = $1', [endpoint]);
      expect(rowCount).toBe(0);
    },
  );

  it('refuses generating a PSK for an endpoint name that cannot be an identity', async () => {
    const result = await gql(
      gateway,
      PROVISION_ONE,
      { i: { endpoint: `${A} lamp`, credential: { generatePsk: true } } },
      await asTenant(A),
    );
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors[0]?.message).toMatch(/give psk/);
  });

  it("answers a PSK identity or public key of another city like one of one's own, never naming it", async () => {
    // B's devices: a PSK and a raw public key.
    const theirs: BulkResult = await gql(
      gateway,
      PROVISION,
      {
        d: [
          { endpoint: ep(B, 'psk'), credential: { psk: { identity: `${B}-secret-id`, keyHex: givenKey } } },
          { endpoint: ep(B, 'rpk'), credential: { rpk: { publicKeyPem: rpkPem } } },
        ],
      },
      await asTenant(B),
    );
    // The same public key as A's device: taken, for B as for anyone.
    expect(theirs.data?.provisionDevices.skipped).toEqual([
      { endpoint: ep(B, 'rpk'), reason: 'CREDENTIAL_TAKEN' },
    ]);
    const bSpki = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    expect(
      (
        await gql(
          gateway,
          PROVISION_ONE,
          { i: { endpoint: ep(B, 'rpk'), credential: { rpk: { publicKeyPem: bSpki } } } },
          await asTenant(B),
        )
      ).errors,
    ).toEqual([]);
    const own = await gql(
      gateway,
      PROVISION_ONE,
      {
        i: { endpoint: ep(PROBE, 'own'), credential: { psk: { identity: `${PROBE}-id`, keyHex: givenKey } } },
      },
      await asTenant(PROBE),
    );
    expect(own.errors).toEqual([]);
    const spent = await probesSpent(PROBE);

    // One's own identity and another city's: the same answer, and the devices are not created.
    const bulk: BulkResult = await gql(
      gateway,
      PROVISION,
      {
        d: [
          { endpoint: ep(PROBE, 'p1'), credential: { psk: { identity: `${PROBE}-id`, keyHex: givenKey } } },
          {
            endpoint: ep(PROBE, 'p2'),
            credential: { psk: { identity: `${B}-secret-id`, keyHex: givenKey } },
          },
          { endpoint: ep(PROBE, 'p3'), credential: { psk: { identity: `${PROBE}-dup`, keyHex: givenKey } } },
          { endpoint: ep(PROBE, 'p4'), credential: { psk: { identity: `${PROBE}-dup`, keyHex: givenKey } } },
          { endpoint: ep(PROBE, 'p5') },
        ],
      },
      await asTenant(PROBE),
    );
    expect(bulk.errors).toEqual([]);
    expect(bulk.data!.provisionDevices.skipped).toEqual([
      { endpoint: ep(PROBE, 'p4'), reason: 'DUPLICATE_IN_REQUEST' },
      { endpoint: ep(PROBE, 'p1'), reason: 'CREDENTIAL_TAKEN' },
      { endpoint: ep(PROBE, 'p2'), reason: 'CREDENTIAL_TAKEN' },
    ]);
    expect(bulk.data!.provisionDevices.created.map((d) => d.endpoint)).toEqual([
      ep(PROBE, 'p3'),
      ep(PROBE, 'p5'),
    ]);
    const { rows } = await owner.query('SELECT endpoint FROM devices WHERE endpoint = ANY($1)', [
      [ep(PROBE, 'p1'), ep(PROBE, 'p2')],
    ]);
    expect(rows).toEqual([]);
    // Only the other city's identity spent the probe budget.
    expect(await probesSpent(PROBE)).toBe(spent + 1);

    // One device, and a rotation: the neutral answer, nothing of B in it.
    const single = await gql(
      gateway,
      PROVISION_ONE,
      {
        i: {
          endpoint: ep(PROBE, 'p6'),
          credential: { psk: { identity: `${B}-secret-id`, keyHex: givenKey } },
        },
      },
      await asTenant(PROBE),
    );
    const rotation = await gql(
      gateway,
      SET,
      {
        id: (own.data as { provisionDevice: Provisioned }).provisionDevice.id,
        c: { rpk: { publicKeyPem: bSpki } },
      },
      await asTenant(PROBE),
    );
    for (const answer of [single, rotation]) {
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.errors[0]).toMatchObject({
        message: 'credential already in use',
        extensions: { reason: 'CREDENTIAL_TAKEN' },
      });
      expect(JSON.stringify(answer)).not.toContain(B);
      expect(answer.data).toBeNull();
    }
    expect(await probesSpent(PROBE)).toBe(spent + 3);

    // The same budget as endpoint names: one more foreign name (budget 4) pauses the city's provisioning.
    const name = await gql(gateway, PROVISION, { d: [{ endpoint: ep(B, 'psk') }] }, await asTenant(PROBE));
    expect(name.data?.['provisionDevices']).toMatchObject({ skipped: [{ reason: 'ENDPOINT_TAKEN' }] });
    const over = await gql(
      gateway,
      PROVISION_ONE,
      {
        i: {
          endpoint: ep(PROBE, 'p7'),
          credential: { psk: { identity: `${B}-secret-id`, keyHex: givenKey } },
        },
      },
      await asTenant(PROBE),
    );
    expect(codesOf(over)).toEqual(['RATE_LIMITED']);
    expect(
      codesOf(await gql(gateway, PROVISION, { d: [{ endpoint: ep(PROBE, 'p8') }] }, await asTenant(PROBE))),
    ).toEqual(['RATE_LIMITED']);
    // B's device kept its credential.
    expect((await repository.resolvePsk(app, `${B}-secret-id`))?.tenantId).toBe(B);
  });

  it("keeps the tenant's CAs: add (subject and SHA-256 only), list, remove, and tells the ingest", async () => {
    const pem = selfSignedPem(`Test CA ${run}`);
    const added = await gql<{ addCertificateAuthority: { sha256: string; subject: string } }>(
      gateway,
      'mutation($p: String!) { addCertificateAuthority(pem: $p) { sha256 subject } }',
      { p: pem },
      await asTenant(A),
    );
    expect(added.errors).toEqual([]);
    const ca = added.data!.addCertificateAuthority;
    expect(ca).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), subject: `CN=Test CA ${run}` });
    const deadline = Date.now() + 5_000;
    while (!caChanges.includes(JSON.stringify({ tenant: A }))) {
      if (Date.now() > deadline) throw new Error('CA change not published');
      await new Promise((r) => setTimeout(r, 20));
    }
    const list = await gql(gateway, '{ certificateAuthorities { sha256 subject } }', {}, await asTenant(A));
    expect(list.data).toEqual({ certificateAuthorities: [ca] });
    expect(await gql(gateway, '{ certificateAuthorities { sha256 } }', {}, await asTenant(B))).toMatchObject({
      data: { certificateAuthorities: [] },
    });
    const leaf = await gql(
      gateway,
      'mutation($p: String!) { addCertificateAuthority(pem: $p) { sha256 } }',
      { p: selfSignedPem(`Leaf ${run}`, false) },
      await asTenant(A),
    );
    expect(codesOf(leaf)).toEqual(['BAD_USER_INPUT']);
    expect(leaf.errors[0]?.message).toMatch(/not a CA/);
    const elsewhere = await gql(
      gateway,
      'mutation($h: String!) { removeCertificateAuthority(sha256: $h) }',
      { h: ca.sha256 },
      await asTenant(B),
    );
    expect(codesOf(elsewhere)).toEqual(['NOT_FOUND']);
    const removed = await gql(
      gateway,
      'mutation($h: String!) { removeCertificateAuthority(sha256: $h) }',
      { h: ca.sha256.match(/../g)!.join(':').toUpperCase() },
      await asTenant(A),
    );
    expect(removed.data).toEqual({ removeCertificateAuthority: true });
    expect((await gql(gateway, '{ certificateAuthorities { sha256 } }', {}, await asTenant(A))).data).toEqual(
      {
        certificateAuthorities: [],
      },
    );
  });

  it('refuses NoSec by default and, once refused again, drops the NoSec devices at once', async () => {
    const asAdmin = { token: await tokenOf('platform-admin') };
    const tenant = async () =>
      (
        await gql<{ tenant: { allowNosec: boolean } }>(
          gateway,
          'query($id: ID!) { tenant(id: $id) { allowNosec } }',
          { id: A },
          asAdmin,
        )
      ).data?.tenant.allowNosec;
    expect(await tenant()).toBe(false);
    const set = (allow: boolean) =>
      gql(
        gateway,
        'mutation($id: ID!, $a: Boolean!) { setTenantAllowNosec(id: $id, allow: $a) { id allowNosec } }',
        { id: A, a: allow },
        asAdmin,
      );
    expect((await set(true)).data).toEqual({ setTenantAllowNosec: { id: A, allowNosec: true } });
    expect(await tenant()).toBe(true);
    const before = changes.filter((c) => c.endpoint === ep(A, 'nosec')).length;
    expect((await set(false)).data).toEqual({ setTenantAllowNosec: { id: A, allowNosec: false } });
    await published(ep(A, 'nosec'), 'credential-changed');
    expect(changes.filter((c) => c.endpoint === ep(A, 'nosec')).length).toBe(before + 1);
    // Devices with a credential are not concerned.
    expect(changes.filter((c) => c.endpoint === ep(A, 'x509'))).toHaveLength(1);
  });

  describe('roles', () => {
    it.each(['lyon-operator', 'lyon-viewer', 'lyon-utility-water'] as const)(
      'refuses the NoSec setting and PSK identities to %s',
      async (user) => {
        const token = await tokenOf(user);
        const setting = await gql(gateway, '{ tenant(id: "lyon") { id allowNosec } }', {}, { token });
        expect(codesOf(setting)).toEqual(['FORBIDDEN']);
        expect(setting.data).toEqual({ tenant: null });
        const change = await gql(
          gateway,
          'mutation { setTenantAllowNosec(id: "lyon", allow: true) { id } }',
          {},
          { token },
        );
        expect(codesOf(change)).toEqual(['FORBIDDEN']);
        const identity = await gql(
          gateway,
          'query($id: ID!) { device(id: $id) { id pskIdentity } }',
          { id: seed.lyon.waterDeviceId },
          { token },
        );
        expect(codesOf(identity)).toEqual(['FORBIDDEN']);
      },
    );

    it("lets a city admin read and set its own city's NoSec setting, not another city's", async () => {
      const token = await tokenOf('lyon-admin');
      const read = await gql<{ tenant: { allowNosec: boolean } }>(
        gateway,
        '{ tenant(id: "lyon") { allowNosec } }',
        {},
        { token },
      );
      expect(read.errors).toEqual([]);
      const current = read.data!.tenant.allowNosec;
      // The same value again: allowed, and it changes nothing for the demo city.
      const same = await gql(
        gateway,
        'mutation($a: Boolean!) { setTenantAllowNosec(id: "lyon", allow: $a) { allowNosec } }',
        { a: current },
        { token },
      );
      expect(same.data).toEqual({ setTenantAllowNosec: { allowNosec: current } });
      const other = await gql(
        gateway,
        'mutation { setTenantAllowNosec(id: "porto", allow: true) { id } }',
        {},
        { token },
      );
      expect(codesOf(other)).toEqual(['FORBIDDEN']);
      const device = await gql<{ device: { pskIdentity: string | null } }>(
        gateway,
        'query($id: ID!) { device(id: $id) { pskIdentity } }',
        { id: seed.lyon.waterDeviceId },
        { token },
      );
      expect(device.errors).toEqual([]);
    });

    it("does not let a city admin touch another city's device credential", async () => {
      const result = await gql(
        gateway,
        SET,
        { id: seed.lyon.lampDeviceId, c: { x509: true } },
        { token: await tokenOf('porto-admin') },
      );
      expect(codesOf(result)).toEqual(['NOT_FOUND']);
      const removed = await gql(
        gateway,
        REMOVE,
        { id: seed.lyon.lampDeviceId },
        { token: await tokenOf('porto-admin') },
      );
      expect(codesOf(removed)).toEqual(['NOT_FOUND']);
    });
  });
});
