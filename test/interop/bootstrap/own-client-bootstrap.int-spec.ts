/**
 * Our own client (libs/lwm2m/client `bootstrapClient`, then `Lwm2mClient`) against our bootstrap server and the real
 * ingest, both over coaps: ETS LwM2M-1.1-int-1 from the device side of this repository. The device knows only its
 * vendor bootstrap PSK; it is given its LwM2M server account and registers with it. A second bootstrap (re-bootstrap,
 * rotation) stages a new key under a new identity: the old account works until the device registers with the new
 * one, then the old one is refused (issue 18: "the old credential stops working once the new registration exists").
 */
import { randomBytes } from 'node:crypto';
import { udpPeer, UdpTransport } from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { bootstrapClient, Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { staticModelProvider } from '@smartcity/lwm2m-core';
import { type BootstrapEvent } from '@smartcity/platform-contracts';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { importVendorBatch, startTestBootstrap } from './bootstrap-harness';
import { PartnerEventsReader } from './partner-events-reader';

jest.setTimeout(120_000);

describe('our LwM2M client bootstraps (PSK) from our bootstrap server, then registers with the ingest', () => {
  const world = new IngestTestWorld();
  const device = {
    endpoint: `bso-${world.run}-meter`,
    identity: `vendor-${world.run}-meter`,
    key: randomBytes(16),
  };
  let ingest: IngestApp;
  let bootstrap: BootstrapApp;
  const clients: Lwm2mClient[] = [];
  let first: Awaited<ReturnType<typeof bootstrapClient>> | undefined;
  let firstClient: Lwm2mClient | undefined;
  let partners: PartnerEventsReader;

  const tree = () => {
    const models = loadBundledRegistry();
    const t = new ObjectTree();
    t.addObject(models.get(3, '1.0') ?? models.latest(3)!);
    return t.addInstance(3, 0, { 0: 'smartcity-tests' });
  };

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    const deviceId = await world.provision(device.endpoint);
    ingest = await world.startIngest();
    await world.readUplinks();
    await importVendorBatch(world, [{ deviceId, identity: device.identity, key: device.key }], {
      serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
      lifetime: 120,
      shortServerId: 7,
      defaultMinPeriod: 30,
      defaultMaxPeriod: 600,
      // A uCIFI lighting default (the device has 3416) and a Device object write it refuses 4.04 (not in `objects`).
      objectWrites: [
        { path: '/3416/0', values: { '4': 40 }, categories: [] },
        { path: '/3/0', values: { '14': '+01:00' }, categories: [] },
      ],
    });
    bootstrap = await startTestBootstrap(world.run);
    partners = new PartnerEventsReader(world);
    await partners.start();
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.stop().catch(() => undefined);
    await bootstrap?.stop();
    await partners?.stop();
    await world.cleanup();
  });

  const bootstrapOnce = () =>
    bootstrapClient({
      endpoint: device.endpoint,
      server: udpPeer('127.0.0.1', bootstrap.coapsPort()),
      transport: new DtlsClientTransport({
        transport: new UdpTransport(),
        credentials: { psk: { identity: device.identity, key: device.key } },
      }),
      timeoutMs: 60_000,
      objects: staticModelProvider([loadBundledRegistry().latest(3416)!]),
    });

  const clientWith = (account: { pskIdentity?: string; pskKey?: Buffer; lifetime?: number }) => {
    const client = new Lwm2mClient({
      endpoint: device.endpoint,
      server: udpPeer('127.0.0.1', ingest.coapsPort()),
      tree: tree(),
      transport: new DtlsClientTransport({
        transport: new UdpTransport(),
        credentials: { psk: { identity: account.pskIdentity!, key: account.pskKey! } },
      }),
      lifetime: account.lifetime ?? 120,
      // A refused request fails within ~15 s instead of RFC 7252 §4.8.2 MAX_TRANSMIT_WAIT (93 s).
      timing: { maxRetransmit: 2 },
    });
    clients.push(client);
    return client;
  };

  /** The device's bootstrap events as its tenant's partners read them (city.<tenant>.events.v1). */
  const bootstrapEvents = async (count: number) =>
    (await partners.waitFor((e) => e.type.startsWith('device.bootstrap'), count)) as BootstrapEvent[];

  it('gets a PSK account different from its bootstrap key and registers with it (int-1)', async () => {
    // A factory-fresh device first tries its LwM2M server without security and is refused (its tenant refuses
    // NoSec); the ingest must not judge its Register right after the bootstrap by what it remembered of that try.
    const plain = new Lwm2mClient({
      endpoint: device.endpoint,
      server: udpPeer('127.0.0.1', ingest.coapPort()),
      tree: tree(),
      transport: new UdpTransport(),
    });
    await expect(plain.register()).rejects.toThrow(/4\.03/);
    await plain.stop();

    const account = await bootstrapOnce();
    expect(account).toMatchObject({
      serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
      securityMode: 0,
      pskIdentity: device.endpoint,
      shortServerId: 7,
      lifetime: 120,
      binding: 'U',
      defaultMinPeriod: 30,
      defaultMaxPeriod: 600,
    });
    expect(account.objectWrites.map((w) => w.path)).toEqual(['/3416/0']);
    expect(account.objectWrites[0]!.records.find((r) => r.path.resourceId === 4)?.value).toBe(40);
    expect(account.pskKey!.equals(device.key)).toBe(false);
    first = account;
    firstClient = clientWith(account);
    await firstClient.register();
    expect(firstClient.state).toBe('registered');
    const registrations = await world.waitForUplinks(
      (u) => u.endpoint === device.endpoint && u.kind === 'registration',
      1,
      60_000,
    );
    expect(registrations.at(-1)).toMatchObject({ tenant: world.tenant });
    expect(await bootstrapEvents(1)).toEqual([
      expect.objectContaining({
        type: 'device.bootstrapped',
        endpoint: device.endpoint,
        bootstrap: expect.objectContaining({
          outcome: 'finished',
          rotation: false,
          writes: ['/0/1', '/1/0', '/3416/0'],
          skipped: [{ path: '/3/0', code: '4.04' }],
          // The Bootstrap-Read of /1/0 showed the account written (Core 1.1.1 §6.1.7.3).
          verified: true,
        }),
      }),
    ]);
  });

  it('a re-bootstrap rotates the key: the old one works until the device registers with the new one, then stops', async () => {
    expect(first).toBeDefined();
    const second = await bootstrapOnce();
    // Staged under a new identity: the handshake must tell the two keys apart (RFC 4279 §2: the identity selects it).
    expect(second.pskIdentity).toMatch(/^lwm2m-[0-9a-f]{24}$/);
    expect(second.pskKey!.equals(first!.pskKey!)).toBe(false);
    expect(second.pskKey!.equals(device.key)).toBe(false);

    // Until the new registration exists, the old account keeps working (a failed re-bootstrap must not strand it).
    await firstClient!.update();
    expect(firstClient!.state).toBe('registered');

    const secondClient = clientWith(second);
    await secondClient.register();
    expect(secondClient.state).toBe('registered');
    await world.waitForUplinks((u) => u.endpoint === device.endpoint && u.kind === 'registration', 2, 60_000);

    // From now on the old credential is refused: its session was closed, a new handshake with it fails.
    await expect(firstClient!.update()).rejects.toThrow();
    await expect(clientWith(first!).register()).rejects.toThrow();
    // The new one keeps working.
    await secondClient.update();
    expect(secondClient.state).toBe('registered');
    expect((await bootstrapEvents(2)).map((e) => [e.type, e.bootstrap.rotation])).toEqual([
      ['device.bootstrapped', false],
      ['device.bootstrapped', true],
    ]);
    await secondClient.stop({ deregister: true });
  });
});
