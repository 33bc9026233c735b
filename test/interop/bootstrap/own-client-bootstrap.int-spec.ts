/**
 * Our own client (libs/lwm2m/client `bootstrapClient`, then `Lwm2mClient`) against our bootstrap server and the real
 * ingest, both over coaps: ETS LwM2M-1.1-int-1 from the device side of this repository. The device knows only its
 * vendor bootstrap PSK; it is given its LwM2M server account and registers with it; a second bootstrap (a retry or a
 * re-bootstrap) gives it a new key that works too.
 */
import { randomBytes } from 'node:crypto';
import { udpPeer, UdpTransport } from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { bootstrapClient, Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { BootstrapRepository, CredentialKeyring, withPlatformAdmin } from '@smartcity/platform-db';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { startTestBootstrap } from './bootstrap-harness';

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
    const repository = new BootstrapRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
    await withPlatformAdmin(world.owner, async (tx) => {
      await repository.setCredentials(tx, world.tenant, [
        { deviceId, identity: device.identity, key: device.key },
      ]);
      await repository.setConfig(tx, world.tenant, {
        serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
        lifetime: 120,
        binding: 'U',
        shortServerId: 7,
      });
    });
    bootstrap = await startTestBootstrap(world.run);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.stop().catch(() => undefined);
    await bootstrap?.stop();
    await world.cleanup();
  });

  it('gets a PSK account different from its bootstrap key, registers with it, and twice in a row', async () => {
    for (const attempt of [1, 2]) {
      const account = await bootstrapClient({
        endpoint: device.endpoint,
        server: udpPeer('127.0.0.1', bootstrap.coapsPort()),
        transport: new DtlsClientTransport({
          transport: new UdpTransport(),
          credentials: { psk: { identity: device.identity, key: device.key } },
        }),
        timeoutMs: 60_000,
      });
      expect(account).toMatchObject({
        serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
        securityMode: 0,
        pskIdentity: device.endpoint,
        shortServerId: 7,
        lifetime: 120,
        binding: 'U',
      });
      expect(account.pskKey!.equals(device.key)).toBe(false);
      const client = new Lwm2mClient({
        endpoint: device.endpoint,
        server: udpPeer('127.0.0.1', ingest.coapsPort()),
        tree: tree(),
        transport: new DtlsClientTransport({
          transport: new UdpTransport(),
          credentials: { psk: { identity: account.pskIdentity!, key: account.pskKey! } },
        }),
        lifetime: account.lifetime,
      });
      clients.push(client);
      await client.register();
      expect(client.state).toBe('registered');
      const registrations = await world.waitForUplinks(
        (u) => u.endpoint === device.endpoint && u.kind === 'registration',
        attempt,
        60_000,
      );
      expect(registrations).toHaveLength(attempt);
      expect(registrations.at(-1)).toMatchObject({ tenant: world.tenant });
      await client.stop({ deregister: true });
    }
  });
});
