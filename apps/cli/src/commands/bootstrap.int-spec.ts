import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { BootstrapRepository, createPool, CredentialKeyring, withTenant } from '@smartcity/platform-db';
import { CliUsageError, type CliCommand } from '../cli-command';
import { selfSignedPemFile } from '../testing/self-signed';
import { command as bootstrap, parseBatch } from './bootstrap.command';

jest.setTimeout(60_000);

const owner = createPool({
  connectionString: LOCAL_STACK.databaseOwnerUrl,
  applicationName: 'cli-bs-test',
  max: 2,
});
const app = createPool({ connectionString: LOCAL_STACK.databaseUrl, applicationName: 'cli-bs-test', max: 2 });
const repository = new BootstrapRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));

async function run(cmd: CliCommand, args: string[]) {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  io.stdout.on('data', (d: Buffer) => (out += d.toString()));
  io.stdin.end();
  try {
    return { code: await cmd.run(args, io), out, err: '' };
  } catch (e) {
    if (e instanceof CliUsageError) return { code: 2, out, err: e.message };
    throw e;
  }
}

/** Issue 18: an operator imports a vendor batch of bootstrap PSKs and sets what the bootstrap server writes. */
describe('bootstrap from the CLI', () => {
  const run6 = randomBytes(3).toString('hex');
  const city = `cli-bs-${run6}`;
  const other = `cli-bo-${run6}`;
  const dir = mkdtempSync(join(tmpdir(), 'cli-bootstrap-'));
  const keyA = randomBytes(16);
  const csv = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    for (const t of [city, other]) await owner.query('INSERT INTO tenants (id, name) VALUES ($1, $1)', [t]);
  });

  afterAll(async () => {
    await owner.query('DELETE FROM tenants WHERE id = ANY($1)', [[city, other]]);
    await owner.end();
    await app.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a batch: devices created in the tenant, keys sealed, resolvable only by the bootstrap lookup', async () => {
    const file = csv(
      'batch.csv',
      `endpoint,identity,keyHex\n# vendor A, lot 7\n${city}-a,v-${run6}-a,${keyA.toString('hex')}\n\n` +
        `${city}-b,v-${run6}-b,${randomBytes(32).toString('hex')}\n`,
    );
    const r = await run(bootstrap, ['import', city, file, '--batch', 'lot-7']);
    expect(r).toMatchObject({ code: 0, out: `imported 2 bootstrap credential(s) into ${city}\n` });
    const rows = await owner.query<{ endpoint: string; batch: string }>(
      `SELECT d.endpoint, b.batch FROM bootstrap_credentials b JOIN devices d ON d.id = b.device_id
       WHERE b.tenant_id = $1 ORDER BY 1`,
      [city],
    );
    expect(rows.rows).toEqual([
      { endpoint: `${city}-a`, batch: 'lot-7' },
      { endpoint: `${city}-b`, batch: 'lot-7' },
    ]);
    const owned = await repository.resolvePsk(app, `v-${run6}-a`);
    expect(owned).toMatchObject({ tenantId: city, endpoint: `${city}-a`, decommissioned: false });
    expect(owned!.key.equals(keyA)).toBe(true);
    // The application role cannot read the sealed key itself.
    await expect(
      withTenant(app, city, (tx) => tx.query('SELECT psk_key_sealed FROM bootstrap_credentials')),
    ).rejects.toThrow(/permission denied/);
  });

  it('refuses, all or nothing, another tenant’s endpoint and a taken identity, without printing keys', async () => {
    const key = randomBytes(16).toString('hex');
    const stolen = await run(bootstrap, [
      'import',
      other,
      csv('b.csv', `${other}-x,v-${run6}-x,${key}\n${city}-a,v-${run6}-y,${key}\n`),
    ]);
    expect(stolen).toMatchObject({ code: 2, err: `line 2: endpoint "${city}-a" belongs to another tenant` });
    const taken = await run(bootstrap, ['import', other, csv('c.csv', `${other}-z,v-${run6}-a,${key}\n`)]);
    expect(taken.code).toBe(2);
    expect(taken.err).toBe('a bootstrap PSK identity of the batch is already in use by another device');
    const { rows } = await owner.query('SELECT 1 FROM devices WHERE tenant_id = $1', [other]);
    expect(rows).toEqual([]);
    const bad = await run(bootstrap, ['import', other, csv('d.csv', `${other}-q,v-q,abcd\n`)]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^line 1: a PSK key is 16 to 64 bytes/);
    expect(bad.err).not.toContain('abcd');
  });

  it('sets the tenant configuration and a device override, which the bootstrap server reads combined', async () => {
    expect(
      await run(bootstrap, [
        'config',
        city,
        '--server-uri',
        'coaps://ingest.example:5684',
        '--lifetime',
        '600',
        '--pmin',
        '60',
        '--pmax',
        '900',
        '--write',
        '/3416/0={"4":40}',
        '--write',
        '/3416/1@parking-sensor={"4":10}',
      ]),
    ).toMatchObject({ code: 0 });
    expect(
      await run(bootstrap, ['config', city, '--endpoint', `${city}-a`, '--lifetime', '60']),
    ).toMatchObject({
      code: 0,
    });
    const ids = await owner.query<{ endpoint: string; id: string }>(
      'SELECT endpoint, id FROM devices WHERE tenant_id = $1',
      [city],
    );
    const id = (ep: string) => ids.rows.find((r) => r.endpoint === ep)!.id;
    const config = (ep: string) => withTenant(app, city, (tx) => repository.configFor(tx, city, id(ep)));
    // The write for another category is not this device's (configFor filters by the device's category).
    expect(await config(`${city}-a`)).toEqual({
      serverUri: 'coaps://ingest.example:5684',
      lifetime: 60,
      binding: 'U',
      shortServerId: 1,
      defaultMinPeriod: 60,
      defaultMaxPeriod: 900,
      objectWrites: [{ path: '/3416/0', values: { '4': 40 }, categories: [] }],
    });
    expect(await config(`${city}-b`)).toMatchObject({ lifetime: 600 });
    expect(await run(bootstrap, ['config', city, '--server-uri', 'http://nope'])).toMatchObject({ code: 2 });
    for (const write of [
      '/3416/0={"4":"bright"}',
      '/3416/0',
      '/3416/0=[1]',
      '/1/0={"1":5}',
      '/3416/0={"999":1}',
    ]) {
      const refused = await run(bootstrap, ['config', city, '--server-uri', 'coaps://x:1', '--write', write]);
      expect({ write, code: refused.code }).toEqual({ write, code: 2 });
    }
    expect(
      await run(bootstrap, ['config', city, '--server-uri', 'coaps://x:1', '--pmin', '900', '--pmax', '60']),
    ).toMatchObject({ code: 2 });
    expect(await run(bootstrap, ['config', city, '--endpoint', `${other}-none`])).toMatchObject({ code: 2 });
    const shown = await run(bootstrap, ['show', city]);
    expect(JSON.parse(shown.out)).toMatchObject({
      lifetime: 600,
      default_min_period: 60,
      default_max_period: 900,
      object_writes: [{ path: '/3416/0' }, { path: '/3416/1', categories: ['parking-sensor'] }],
      bootstrap_credentials: 2,
      overrides: 1,
    });
  });

  it('parses a batch strictly: three fields, no duplicates, at least one line', () => {
    const key = '00112233445566778899aabbccddeeff';
    expect(parseBatch(`a,id-a,${key}\r\nb,id-b,${key}`)).toHaveLength(2);
    expect(() => parseBatch(`a,id-a\n`)).toThrow('line 1: expected endpoint,identity,keyHex');
    expect(() => parseBatch(`a,id-a,${key}\na,id-b,${key}`)).toThrow('line 2: endpoint "a" is listed twice');
    expect(() => parseBatch(`a,id,${key}\nb,id,${key}`)).toThrow('line 2: identity "id" is listed twice');
    expect(() => parseBatch('# nothing\n')).toThrow('the batch has no credential lines');
  });

  it('adds, lists and removes a vendor CA of X.509 bootstrap; refuses what is not a CA and other tenants see none', async () => {
    const vendor = selfSignedPemFile(dir, 'vendor', `cli-vendor-${run6}`);
    const leaf = selfSignedPemFile(dir, 'leaf', `cli-leaf-${run6}`, false);
    const added = await run(bootstrap, ['ca', 'add', city, vendor, '--create-devices']);
    expect(added).toMatchObject({ code: 0 });
    const sha = /sha256=([0-9a-f]{64})/.exec(added.out)?.[1];
    expect(added.out).toContain('create-devices=true');
    expect((await run(bootstrap, ['ca', 'list', city])).out).toContain(`sha256=${sha}`);
    expect((await run(bootstrap, ['ca', 'list', other])).out).toBe('');
    expect(await run(bootstrap, ['ca', 'add', city, leaf])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/not a CA/),
    });
    expect(await run(bootstrap, ['ca', 'remove', other, sha!])).toMatchObject({ code: 2 });
    expect(await run(bootstrap, ['ca', 'remove', city, sha!])).toMatchObject({ code: 0 });
    expect((await run(bootstrap, ['ca', 'list', city])).out).toBe('');
    expect(await run(bootstrap, ['ca', 'frobnicate', city])).toMatchObject({ code: 2 });
  });
});
