/**
 * Issue 18, "a batch of 100 simulated devices with vendor credentials bootstraps and registers into the right
 * tenant": a vendor CSV of 100 bootstrap PSKs is imported with the CLI's own command (`bootstrap import`), the
 * tenant's configuration set with `bootstrap config`; the simulator's code (bootstrapDevices: our `bootstrapClient`
 * paced 10 at a time, then its Fleet of `Lwm2mClient`s) bootstraps every device from our bootstrap server (LwM2M Core
 * 1.1.1 §6.1.3) and registers it with the real ingest over coaps with the PSK it was written. A second tenant with
 * its own bootstrap configuration gets none of them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { createLogger } from '@smartcity/platform-observability';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { command as bootstrapCommand } from '../../../apps/cli/src/commands/bootstrap.command';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import {
  bootstrapDevices,
  type BootstrappedDevice,
} from '../../../apps/simulator/src/bootstrap/bootstrap-devices';
import { readVendorCredentials } from '../../../apps/simulator/src/bootstrap/vendor-credentials';
import { cityProfile } from '../../../apps/simulator/src/devices/city-profile';
import { planFleet } from '../../../apps/simulator/src/devices/fleet-plan';
import { Fleet } from '../../../apps/simulator/src/fleet/fleet';
import { startTestBootstrap } from './bootstrap-harness';

const DEVICES = 100;
jest.setTimeout(300_000);

async function cli(args: string[]): Promise<string> {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  io.stdout.on('data', (d: Buffer) => (out += d.toString()));
  io.stdin.end();
  const code = await bootstrapCommand.run(args, io);
  if (code !== 0) throw new Error(`bootstrap ${args.join(' ')} exited ${code}`);
  return out;
}

describe('a vendor batch of 100 devices bootstraps and registers into its tenant', () => {
  const world = new IngestTestWorld();
  const other = new IngestTestWorld();
  const prefix = `bsb-${world.run}-`;
  const dir = mkdtempSync(join(tmpdir(), 'batch-bootstrap-'));
  const csv = join(dir, 'vendor-batch.csv');
  const logger = createLogger({ app: 'batch-bootstrap-test', level: 'silent' });
  let ingest: IngestApp;
  let bootstrap: BootstrapApp;
  let fleet: Fleet | undefined;
  let accounts: Map<string, BootstrappedDevice>;
  const endpoints = planFleet(DEVICES, prefix, 7).map((s) => s.endpoint);

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    await other.createTenant({ allowNosec: false });
    ingest = await world.startIngest();
    await world.readUplinks();
    writeFileSync(
      csv,
      'endpoint,identity,keyHex\n' +
        endpoints.map((e) => `${e},vendor-${e},${randomBytes(16).toString('hex')}`).join('\n') +
        '\n',
      { mode: 0o600 },
    );
    expect(await cli(['import', world.tenant, csv, '--batch', 'vendor-7'])).toContain(
      `imported ${DEVICES} bootstrap credential(s) into ${world.tenant}`,
    );
    const serverUri = `coaps://127.0.0.1:${ingest.coapsPort()}`;
    await cli(['config', world.tenant, '--server-uri', serverUri, '--lifetime', '240']);
    // The other tenant has a configuration of its own (another server id): none of the batch may get it.
    await cli(['config', other.tenant, '--server-uri', serverUri, '--short-server-id', '9']);
    bootstrap = await startTestBootstrap(world.run);
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop().catch(() => undefined);
    await bootstrap?.stop();
    await other.cleanup();
    await world.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every device bootstraps with its vendor PSK and gets an LwM2M server PSK that differs from it', async () => {
    const vendor = readVendorCredentials(csv);
    accounts = await bootstrapDevices({
      endpoints,
      vendor,
      bootstrapUri: `coaps://127.0.0.1:${bootstrap.coapsPort()}`,
      bindHost: '127.0.0.1',
      concurrency: 10,
      attempts: 3,
      logger,
    });
    expect([...accounts.keys()].sort()).toEqual([...endpoints].sort());
    for (const [endpoint, { account }] of accounts) {
      expect(account).toMatchObject({ server: { port: ingest.coapsPort() }, lifetime: 240 });
      expect(account.psk!.key.equals(vendor.get(endpoint)!.key)).toBe(false);
      expect(account.psk!.identity).not.toBe(vendor.get(endpoint)!.identity);
    }
    // Generated per device: no two devices share a written key.
    expect(new Set([...accounts.values()].map((a) => a.account.psk!.key.toString('hex'))).size).toBe(DEVICES);
  });

  it('then every device registers over coaps with that PSK, in its tenant and not in the other', async () => {
    expect(accounts?.size).toBe(DEVICES);
    fleet = new Fleet({
      tenant: world.tenant,
      city: cityProfile(world.tenant),
      devices: DEVICES,
      // Unused: a bootstrapped device registers where its account says.
      server: { address: '127.0.0.1', port: 9 },
      seed: 7,
      mode: 'send',
      endpointPrefix: prefix,
      lifetime: 300,
      reportIntervalMs: 600_000,
      tickMs: 10_000,
      registerConcurrency: 20,
      bindHost: '127.0.0.1',
      accounts,
      sendFormat: ContentFormat.SENML_CBOR,
      timestamps: true,
      models: loadBundledRegistry(),
      logger,
    });
    await fleet.start();
    expect(fleet.size).toBe(DEVICES);
    const registrations = await world.waitForUplinks(
      (u) => u.kind === 'registration' && u.endpoint.startsWith(prefix),
      DEVICES,
      120_000,
    );
    expect(new Set(registrations.map((r) => r.endpoint))).toEqual(new Set(endpoints));
    expect(registrations.every((r) => r.tenant === world.tenant)).toBe(true);
    expect(registrations.filter((r) => r.tenant === other.tenant)).toEqual([]);
    // Each registration was made with the credential its device was written, not with the vendor's.
    for (const r of registrations.slice(0, 10)) {
      const stored = await ingest.store.get(r.registrationId);
      expect(stored?.identity).toBe(`psk:${accounts.get(r.endpoint)!.account.psk!.identity}`);
    }
    const devices = await world.owner.query<{ tenant_id: string; n: number }>(
      'SELECT tenant_id, count(*)::int AS n FROM devices WHERE endpoint = ANY($1) GROUP BY tenant_id',
      [endpoints],
    );
    expect(devices.rows).toEqual([{ tenant_id: world.tenant, n: DEVICES }]);
    const finished = await world.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM bootstrap_credentials WHERE tenant_id = $1 AND last_bootstrap_at IS NOT NULL`,
      [world.tenant],
    );
    expect(finished.rows[0]?.n).toBe(DEVICES);
  });
});
