/**
 * ETS LwM2M-1.1-int-1 (bootstrap with PSK, then register) with Eclipse Leshan's client (leshan-client-cf 2.0.0-M15,
 * Scandium DTLS): the device starts with only its vendor bootstrap PSK; our bootstrap server (apps/bootstrap)
 * writes its city's LwM2M server account (a PSK generated per device, never the bootstrap key); the device then
 * registers with the real ingest over coaps with that credential, in its tenant. A device with a wrong bootstrap key
 * fails the DTLS handshake and nothing is written for it.
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { CredentialKeyring, DeviceCredentialRepository } from '@smartcity/platform-db';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { importVendorBatch, leshanBootstrapStart, startTestBootstrap } from './bootstrap-harness';
import { LeshanClientPeer, type LeshanEvent } from '../leshan-client/leshan-client';

/** Timeouts for a 2-core box shared with Kafka, PostgreSQL, Redis, Keycloak and a JVM per Leshan client. */
const TIMEOUTS = { test: 180_000, setup: 240_000, event: 60_000 } as const;
jest.setTimeout(TIMEOUTS.test);

const keyring = new CredentialKeyring(LOCAL_STACK.credentialKeys);

describe('bootstrap server with the Leshan client (LwM2M-1.1-int-1: bootstrap with PSK, then register)', () => {
  const world = new IngestTestWorld();
  const lamp = {
    endpoint: `bs-${world.run}-lamp`,
    identity: `vendor-${world.run}-lamp`,
    key: randomBytes(16),
  };
  const intruder = {
    endpoint: `bs-${world.run}-intruder`,
    identity: `vendor-${world.run}-intruder`,
    key: randomBytes(16),
  };
  const neighbour = {
    endpoint: `bs-${world.run}-neighbour`,
    identity: `vendor-${world.run}-neighbour`,
    key: randomBytes(16),
  };
  const deviceIds = new Map<string, string>();
  let ingest: IngestApp;
  let bootstrap: BootstrapApp;
  const clients: LeshanClientPeer[] = [];

  const launch = async (
    device: typeof lamp,
    key: Buffer,
    endpoint = device.endpoint,
  ): Promise<LeshanClientPeer> => {
    const leshan = await LeshanClientPeer.launch({ readyTimeoutMs: TIMEOUTS.event * 2 });
    clients.push(leshan);
    await leshan.start(
      leshanBootstrapStart(bootstrap.coapsPort(), { endpoint, identity: device.identity, key }),
    );
    return leshan;
  };

  const credentialRows = async (deviceId: string) =>
    (
      await world.owner.query<{ psk_identity: string }>(
        'SELECT psk_identity FROM device_credentials WHERE device_id = $1',
        [deviceId],
      )
    ).rows;

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    for (const d of [lamp, intruder, neighbour]) deviceIds.set(d.endpoint, await world.provision(d.endpoint));
    ingest = await world.startIngest();
    await world.readUplinks();
    await importVendorBatch(
      world,
      [lamp, intruder, neighbour].map((d) => ({
        deviceId: deviceIds.get(d.endpoint)!,
        identity: d.identity,
        key: d.key,
      })),
      {
        serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
        lifetime: 300,
        shortServerId: 1,
        // Written into Leshan's Server instance and read back before Finish (a mismatch would fail the sequence);
        // Leshan's client has no uCIFI 3416 object, so that write is refused and skipped, not fatal.
        defaultMinPeriod: 10,
        defaultMaxPeriod: 60,
        objectWrites: [{ path: '/3416/0', values: { '4': 40 }, categories: [] }],
      },
      'vendor-batch-1',
    );
    bootstrap = await startTestBootstrap(world.run);
  }, TIMEOUTS.setup);

  afterAll(async () => {
    for (const c of clients) await c.stop().catch(() => c.kill());
    await bootstrap?.stop();
    await world.cleanup();
  });

  it('bootstraps with its vendor PSK, then registers with the ingest over coaps with the PSK it was given', async () => {
    const leshan = await launch(lamp, lamp.key);
    const outcome = await leshan.waitFor(
      (e) => ['bootstrapped', 'bootstrap-failed', 'bootstrap-timeout'].includes(e.event),
      { from: 0, timeoutMs: TIMEOUTS.event },
    );
    expect(outcome).toMatchObject({ event: 'bootstrapped' });
    await leshan.registered(0, TIMEOUTS.event);
    const requests = leshan.since(0, 'request').map((e) => `${String(e['method'])} ${String(e['path'])}`);
    expect(requests).toEqual(expect.arrayContaining(['PUT /3416/0', 'GET /1/0']));

    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === lamp.endpoint && u.kind === 'registration',
      1,
      TIMEOUTS.event,
    );
    expect(registration).toMatchObject({ tenant: world.tenant, endpoint: lamp.endpoint });
    // The registration was made with the generated LwM2M server credential, not the vendor's bootstrap PSK.
    const stored = await ingest.store.get(registration!.registrationId);
    expect(stored?.identity).toBe(`psk:${lamp.endpoint}`);
    const issued = await new DeviceCredentialRepository(keyring).resolvePsk(world.owner, lamp.endpoint);
    expect(issued).toMatchObject({ tenantId: world.tenant, endpoint: lamp.endpoint });
    expect(issued!.key.equals(lamp.key)).toBe(false);
    // Two handshakes: one with the bootstrap server, one with the ingest.
    expect(leshan.since(0, 'dtls-handshake-ok')).toHaveLength(2);
    const finished = await world.owner.query<{ last_bootstrap_at: Date | null }>(
      'SELECT last_bootstrap_at FROM bootstrap_credentials WHERE device_id = $1',
      [deviceIds.get(lamp.endpoint)],
    );
    expect(finished.rows[0]?.last_bootstrap_at).not.toBeNull();
  });

  it('refuses a device with a wrong bootstrap key: the handshake fails and nothing is written', async () => {
    const leshan = await launch(intruder, randomBytes(16));
    // Scandium's and Leshan's threads report the failure separately: wait for both, in either order.
    const failure = await leshan.waitFor('dtls-handshake-failed', { from: 0, timeoutMs: TIMEOUTS.event });
    expect(failure).toMatchObject({ alert: { level: 'fatal', description: 'decrypt_error' } });
    const outcome: LeshanEvent = await leshan.waitFor(
      (e) => ['bootstrapped', 'bootstrap-failed', 'bootstrap-timeout'].includes(e.event),
      { from: 0, timeoutMs: TIMEOUTS.event },
    );
    expect(outcome.event).toBe('bootstrap-failed');
    expect(leshan.since(0, 'dtls-handshake-ok')).toHaveLength(0);
    expect(await credentialRows(deviceIds.get(intruder.endpoint)!)).toEqual([]);
  });

  it('refuses with 4.03 an endpoint that is not the credential’s device (the credential decides the device)', async () => {
    const leshan = await launch(neighbour, neighbour.key, `bs-${world.run}-someone-else`);
    const outcome: LeshanEvent = await leshan.waitFor(
      (e) => ['bootstrapped', 'bootstrap-failed', 'bootstrap-timeout'].includes(e.event),
      { from: 0, timeoutMs: TIMEOUTS.event },
    );
    expect(outcome).toMatchObject({ event: 'bootstrap-failed', code: '4.03' });
    expect(leshan.since(0, 'request')).toEqual([]);
    expect(await credentialRows(deviceIds.get(neighbour.endpoint)!)).toEqual([]);
  });
});
