import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { createPool } from '../pool';
import { TenantAdminRepository } from '../tenant-admin.repository';
import { withPlatformAdmin, withTenant } from '../transaction';
import { publicKeyFromPem } from './credential-input';
import { CredentialKeyring } from './credential-keyring';
import { DeviceCredentialRepository, isCredentialTaken } from './device-credentials.repository';

const owner = createPool({
  connectionString: LOCAL_STACK.databaseOwnerUrl,
  applicationName: 'db-credentials-test-owner',
  max: 2,
});
// The gateway's role: RLS applies, the sealed key column is not readable.
const app = createPool({
  connectionString: LOCAL_STACK.databaseUrl,
  applicationName: 'db-credentials-test-app',
  max: 2,
});

/** A CA made with openssl (P-256, basicConstraints cA), as an operator would make one. */
function makeCa(cn: string, ca = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'ca-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'ca.key'),
        '-out',
        join(dir, 'ca.pem'),
        '-days',
        '30',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(dir, 'ca.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('device credentials in PostgreSQL (application role)', () => {
  const run = randomBytes(4).toString('hex');
  const A = `dbc-a-${run}`;
  const B = `dbc-b-${run}`;
  const tenants = new TenantAdminRepository(owner);
  const repository = new DeviceCredentialRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
  const devices: Record<string, string> = {};
  const key = randomBytes(16);

  const newDevice = async (tenant: string, name: string) => {
    const { rows } = await owner.query<{ id: string }>(
      'INSERT INTO devices (tenant_id, endpoint) VALUES ($1, $2) RETURNING id',
      [tenant, `${tenant}-${name}`],
    );
    devices[name] = rows[0]!.id;
    return rows[0]!.id;
  };
  const row = async (deviceId: string) =>
    (await owner.query('SELECT * FROM device_credentials WHERE device_id = $1', [deviceId])).rows[0] as
      Record<string, unknown> | undefined;

  beforeAll(async () => {
    await tenants.create({ id: A, name: 'A' });
    await tenants.create({ id: B, name: 'B', allowNosec: true });
    for (const d of ['a1', 'a2', 'a3']) await newDevice(A, d);
    await newDevice(B, 'b1');
  });
  afterAll(async () => {
    await tenants.delete(A);
    await tenants.delete(B);
    await owner.end();
    await app.end();
  });

  it('creates tenants that refuse NoSec unless asked', async () => {
    const { rows } = await owner.query('SELECT id, allow_nosec FROM tenants WHERE id = ANY($1) ORDER BY id', [
      [A, B],
    ]);
    expect(rows).toEqual([
      { id: A, allow_nosec: false },
      { id: B, allow_nosec: true },
    ]);
  });

  it('writes a PSK as the application role and keeps only sealed bytes, which the ingest opens', async () => {
    await withTenant(app, A, (tx) =>
      repository.set(tx, A, devices['a1']!, { mode: 'psk', identity: `id-${run}`, key }),
    );
    const stored = await row(devices['a1']!);
    expect(stored).toMatchObject({ mode: 'psk', psk_identity: `id-${run}`, rotated_at: null });
    const sealed = stored!['psk_key_sealed'] as Buffer;
    expect(sealed.includes(key)).toBe(false);
    expect(sealed.toString('latin1')).not.toContain(key.toString('hex'));
    expect(sealed).toHaveLength(12 + 16 + key.length);
    // The application role cannot read the sealed column itself.
    await expect(
      withTenant(app, A, (tx) => tx.query('SELECT psk_key_sealed FROM device_credentials')),
    ).rejects.toMatchObject({ code: '42501' });
    const resolved = await repository.resolvePsk(app, `id-${run}`);
    expect(resolved).toMatchObject({ tenantId: A, deviceId: devices['a1'], decommissioned: false });
    expect(resolved!.key.equals(key)).toBe(true);
  });

  it('rotates in place: a new key, another kind, a rotation time', async () => {
    const next = randomBytes(32);
    await withTenant(app, A, (tx) =>
      repository.set(tx, A, devices['a1']!, { mode: 'psk', identity: `id-${run}`, key: next }),
    );
    expect((await repository.resolvePsk(app, `id-${run}`))!.key.equals(next)).toBe(true);
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    await withTenant(app, A, (tx) => repository.set(tx, A, devices['a1']!, { mode: 'rpk', publicKey: spki }));
    expect(await row(devices['a1']!)).toMatchObject({
      mode: 'rpk',
      psk_identity: null,
      psk_key_sealed: null,
    });
    expect((await row(devices['a1']!))!['rotated_at']).toBeInstanceOf(Date);
    expect(await repository.resolvePsk(app, `id-${run}`)).toBeUndefined();
    expect(await repository.resolveRpk(app, spki)).toMatchObject({ deviceId: devices['a1'] });
  });

  it("refuses another device's PSK identity or public key, from any tenant, as a taken credential", async () => {
    await withTenant(app, B, (tx) =>
      repository.set(tx, B, devices['b1']!, { mode: 'psk', identity: `b-${run}`, key }),
    );
    const err = await withTenant(app, A, (tx) =>
      repository.set(tx, A, devices['a2']!, { mode: 'psk', identity: `b-${run}`, key }),
    ).catch((e: unknown) => e);
    expect(isCredentialTaken(err)).toBe(true);
    // Provisioning goes on: the taken one is reported, the others are written.
    const refused = await withTenant(app, A, (tx) =>
      repository.setForNewDevices(tx, A, [
        { deviceId: devices['a2']!, credential: { mode: 'psk', identity: `b-${run}`, key } },
        { deviceId: devices['a3']!, credential: { mode: 'psk', identity: `a3-${run}`, key } },
      ]),
    );
    expect(refused).toEqual([devices['a2']]);
    expect(await row(devices['a3']!)).toMatchObject({ psk_identity: `a3-${run}` });
    // Row-level security: tenant A sees its own identity, not B's.
    const own = await withTenant(app, A, (tx) => repository.ownedAmong(tx, A, [`b-${run}`, `a3-${run}`], []));
    expect([...own.identities]).toEqual([`a3-${run}`]);
  });

  it('removes a credential (the device is NoSec again)', async () => {
    expect(await withTenant(app, A, (tx) => repository.remove(tx, devices['a3']!))).toBe(true);
    expect(await withTenant(app, A, (tx) => repository.remove(tx, devices['a3']!))).toBe(false);
    expect(await row(devices['a3']!)).toBeUndefined();
  });

  it("keeps a tenant's CAs to itself: add, list subject and SHA-256, remove", async () => {
    const pem = makeCa(`CA ${run}`);
    const ca = await withTenant(app, A, (tx) => repository.addCertificateAuthority(tx, A, pem));
    expect(ca).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), subject: `CN=CA ${run}` });
    // Twice is once.
    await withTenant(app, A, (tx) => repository.addCertificateAuthority(tx, A, pem));
    expect(await withTenant(app, A, (tx) => repository.listCertificateAuthorities(tx, A))).toEqual([ca]);
    expect(await withTenant(app, B, (tx) => repository.listCertificateAuthorities(tx, A))).toEqual([]);
    expect(
      await withTenant(app, B, (tx) =>
        repository.removeCertificateAuthority(tx, A, Buffer.from(ca.sha256, 'hex')),
      ),
    ).toBe(false);
    expect((await repository.certificateAuthorities(app)).some((c) => c.tenantId === A)).toBe(true);
    expect(
      await withTenant(app, A, (tx) =>
        repository.removeCertificateAuthority(tx, A, Buffer.from(ca.sha256, 'hex')),
      ),
    ).toBe(true);
    expect(await withPlatformAdmin(owner, (tx) => repository.listCertificateAuthorities(tx, A))).toEqual([]);
  });

  it('refuses what is not a CA certificate', async () => {
    await expect(
      withTenant(app, A, (tx) => repository.addCertificateAuthority(tx, A, makeCa(`leaf ${run}`, false))),
    ).rejects.toThrow(/not a CA/);
    const spki = publicKeyFromPem(
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ format: 'pem', type: 'spki' })
        .toString(),
    );
    await expect(withTenant(app, A, (tx) => repository.addCertificateAuthority(tx, A, spki))).rejects.toThrow(
      /not an X\.509 certificate/,
    );
  });

  describe('a PSK staged by a re-bootstrap (rotation)', () => {
    const current = { identity: `cur-${run}`, key: randomBytes(16) };
    const staged = { identity: `lwm2m-${run}-staged`, key: randomBytes(16) };
    const pending = async (deviceId: string) =>
      (await owner.query('SELECT * FROM device_credentials_pending WHERE device_id = $1', [deviceId])).rows;

    it('resolves as pending beside the current credential, then replaces it when promoted', async () => {
      const id = await newDevice(A, 'rot1');
      await withTenant(app, A, (tx) => repository.set(tx, A, id, { mode: 'psk', ...current }));
      await withTenant(app, A, async (tx) => {
        expect(await repository.modeOf(tx, id)).toBe('psk');
        await repository.stagePsk(tx, A, id, staged);
      });
      expect(await repository.resolvePsk(app, current.identity)).toMatchObject({
        deviceId: id,
        pending: false,
      });
      const found = await repository.resolvePsk(app, staged.identity);
      expect(found).toMatchObject({ deviceId: id, tenantId: A, pending: true });
      expect(found!.key.equals(staged.key)).toBe(true);
      // The application role does not read the staged key back, and another tenant does not see the row at all.
      await expect(
        withTenant(app, A, (tx) => tx.query('SELECT psk_key_sealed FROM device_credentials_pending')),
      ).rejects.toMatchObject({ code: '42501' });
      expect(
        (await withTenant(app, B, (tx) => tx.query('SELECT device_id FROM device_credentials_pending'))).rows,
      ).toEqual([]);

      expect(await repository.promotePendingPsk(app, id, staged.identity)).toBe(true);
      expect(await repository.resolvePsk(app, current.identity)).toBeUndefined();
      expect(await repository.resolvePsk(app, staged.identity)).toMatchObject({
        deviceId: id,
        pending: false,
      });
      expect(await row(id)).toMatchObject({ mode: 'psk', psk_identity: staged.identity });
      expect((await row(id))!['rotated_at']).not.toBeNull();
      expect(await pending(id)).toEqual([]);
      // A second promotion (a retransmitted Register, another ingest) finds nothing staged.
      expect(await repository.promotePendingPsk(app, id, staged.identity)).toBe(false);
    });

    it("promotes only the device's own staged identity, and replaces an RPK device's key too", async () => {
      const id = await newDevice(A, 'rot2');
      const other = await newDevice(A, 'rot3');
      const spki = publicKeyFromPem(
        generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .publicKey.export({ format: 'pem', type: 'spki' })
          .toString(),
      );
      await withTenant(app, A, async (tx) => {
        await repository.set(tx, A, id, { mode: 'rpk', publicKey: spki });
        await repository.stagePsk(tx, A, id, { identity: `lwm2m-${run}-rpk`, key: randomBytes(16) });
      });
      expect(await repository.promotePendingPsk(app, other, `lwm2m-${run}-rpk`)).toBe(false);
      expect(await repository.promotePendingPsk(app, id, `lwm2m-${run}-rpk`)).toBe(true);
      expect(await row(id)).toMatchObject({ mode: 'psk', public_key_sha256: null, public_key_spki: null });
      expect(await repository.resolveRpk(app, spki)).toBeUndefined();
    });

    it('a newer bootstrap replaces the staged key; an operator-set credential or an expiry drops it', async () => {
      const id = await newDevice(A, 'rot4');
      await withTenant(app, A, async (tx) => {
        await repository.set(tx, A, id, { mode: 'psk', identity: `cur4-${run}`, key: randomBytes(16) });
        await repository.stagePsk(tx, A, id, { identity: `lwm2m-${run}-old`, key: randomBytes(16) });
        await repository.stagePsk(tx, A, id, { identity: `lwm2m-${run}-new`, key: randomBytes(16) });
      });
      expect(await repository.resolvePsk(app, `lwm2m-${run}-old`)).toBeUndefined();
      expect(await repository.resolvePsk(app, `lwm2m-${run}-new`)).toMatchObject({ pending: true });

      await owner.query(
        "UPDATE device_credentials_pending SET expires_at = now() - interval '1 second' WHERE device_id = $1",
        [id],
      );
      expect(await repository.resolvePsk(app, `lwm2m-${run}-new`)).toBeUndefined();
      expect(await repository.promotePendingPsk(app, id, `lwm2m-${run}-new`)).toBe(false);

      await withTenant(app, A, (tx) => repository.stagePsk(tx, A, id, { identity: `lwm2m-${run}-3`, key }));
      await withTenant(app, A, (tx) =>
        repository.set(tx, A, id, { mode: 'psk', identity: `cur4b-${run}`, key: randomBytes(16) }),
      );
      expect(await pending(id)).toEqual([]);
      expect(await repository.resolvePsk(app, `lwm2m-${run}-3`)).toBeUndefined();
    });

    it('refuses a staged identity another device has staged, as taken (without saying whose)', async () => {
      const id = await newDevice(A, 'rot5');
      const b = await newDevice(B, 'rot6');
      await withTenant(app, B, (tx) => repository.stagePsk(tx, B, b, { identity: `lwm2m-${run}-dup`, key }));
      const err: unknown = await withTenant(app, A, (tx) =>
        repository.stagePsk(tx, A, id, { identity: `lwm2m-${run}-dup`, key }),
      ).catch((e: unknown) => e);
      expect(isCredentialTaken(err)).toBe(true);
    });
  });
});
