/**
 * X.509 bootstrap credentials (issue 18; thingsboard#16173 "X.509 bootstrap does not create devices", done right):
 * a vendor certificate (CN = endpoint, issued by the vendor's CA that the tenant imported) bootstraps our client over
 * TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8; with the CA's create_devices the device is created in that tenant first, then
 * given a generated PSK account, with which it registers at the ingest. Refused: a certificate of a CA no tenant
 * imported (handshake), an `ep` that is not the certificate's name, an unknown endpoint under a CA that does not
 * create devices, and an endpoint another tenant owns (4.03, nothing created or written).
 */
import { udpPeer, UdpTransport } from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { bootstrapClient, Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import {
  BootstrapAuthorityRepository,
  BootstrapRepository,
  CredentialKeyring,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import { type IngestApp } from '../../../apps/coap-ingest/src/ingest.app';
import { IngestTestWorld } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { type Issued, TestPki } from '../coaps/test-pki';
import { startTestBootstrap } from './bootstrap-harness';

jest.setTimeout(120_000);

describe('X.509 bootstrap with a vendor certificate (our client, our bootstrap server, the real ingest)', () => {
  const world = new IngestTestWorld();
  const other = new IngestTestWorld();
  const pki = new TestPki();
  const authorities = new BootstrapAuthorityRepository();
  let serverCa: Issued;
  let vendorCa: Issued;
  let strictVendorCa: Issued;
  let ingest: IngestApp;
  let bootstrap: BootstrapApp;
  const clients: Lwm2mClient[] = [];

  const endpoint = (name: string) => `x5-${world.run}-${name}`;

  const tree = () => {
    const models = loadBundledRegistry();
    const t = new ObjectTree();
    t.addObject(models.get(3, '1.0') ?? models.latest(3)!);
    return t.addInstance(3, 0, { 0: 'smartcity-tests' });
  };

  const bootstrapWith = (device: Issued, ep: string) =>
    bootstrapClient({
      endpoint: ep,
      server: udpPeer('127.0.0.1', bootstrap.coapsPort()),
      transport: new DtlsClientTransport({
        transport: new UdpTransport(),
        credentials: {
          certificate: {
            privateKey: device.privateKey,
            certificateChain: [device.certificate],
            trustAnchors: [serverCa.certificate],
            serverName: '127.0.0.1',
          },
        },
      }),
      timeoutMs: 20_000,
    });

  const deviceRow = async (ep: string) =>
    (
      await world.owner.query<{ tenant_id: string }>('SELECT tenant_id FROM devices WHERE endpoint = $1', [
        ep,
      ])
    ).rows;

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    await other.createTenant({ allowNosec: false });
    ingest = await world.startIngest();
    await world.readUplinks();
    serverCa = pki.authority(`bs-server-ca-${world.run}`);
    const server = pki.issue(serverCa, `bs-server-${world.run}`, {
      commonName: 'bootstrap.test',
      subjectAltNames: ['IP:127.0.0.1'],
      purpose: 'server',
    });
    vendorCa = pki.authority(`vendor-ca-${world.run}`);
    strictVendorCa = pki.authority(`strict-vendor-ca-${world.run}`);
    await withPlatformAdmin(world.owner, async (tx) => {
      await authorities.add(tx, world.tenant, vendorCa.certificate, { createDevices: true });
      await authorities.add(tx, world.tenant, strictVendorCa.certificate, { createDevices: false });
      await new BootstrapRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys)).setConfig(
        tx,
        world.tenant,
        {
          serverUri: `coaps://127.0.0.1:${ingest.coapsPort()}`,
          lifetime: 120,
          binding: 'U',
          shortServerId: 3,
        },
      );
    });
    // Another tenant owns this endpoint: a certificate naming it must not reach or take over that device.
    await other.provision(endpoint('taken'));
    bootstrap = await startTestBootstrap(world.run, {
      COAPS_PRIVATE_KEY_FILE: server.keyFile,
      COAPS_CERTIFICATE_FILE: pki.write('bs-chain.pem', server.certificate),
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.stop().catch(() => undefined);
    await bootstrap?.stop();
    await world.cleanup();
    await other.cleanup();
    pki.remove();
  });

  it('creates the device in the tenant of the vendor CA, bootstraps it and it registers with the PSK it was given', async () => {
    const ep = endpoint('meter-1');
    const cert = pki.issue(vendorCa, `dev-${ep}`, { commonName: ep, purpose: 'client' });
    expect(await deviceRow(ep)).toEqual([]);
    const account = await bootstrapWith(cert, ep);
    expect(await deviceRow(ep)).toEqual([{ tenant_id: world.tenant }]);
    expect(account).toMatchObject({ securityMode: 0, shortServerId: 3, pskIdentity: ep });
    const client = new Lwm2mClient({
      endpoint: ep,
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
    const [registration] = await world.waitForUplinks(
      (u) => u.endpoint === ep && u.kind === 'registration',
      1,
      30_000,
    );
    expect(registration).toMatchObject({ tenant: world.tenant });
  });

  it('a subjectAltName may carry the endpoint name too', async () => {
    const ep = endpoint('meter-san');
    const cert = pki.issue(vendorCa, `dev-${ep}`, {
      commonName: 'vendor serial 0042',
      subjectAltNames: [`URI:urn:dev:${ep}`, `DNS:${ep}`],
      purpose: 'client',
    });
    await expect(bootstrapWith(cert, ep)).resolves.toMatchObject({ securityMode: 0 });
    expect(await deviceRow(ep)).toEqual([{ tenant_id: world.tenant }]);
  });

  it.each([
    ['an ep that is not the certificate’s name', 'meter-2', 'meter-other', 'vendor'],
    ['an unknown endpoint under a CA that does not create devices', 'meter-3', 'meter-3', 'strict'],
    ['an endpoint another tenant owns', 'taken', 'taken', 'vendor'],
  ] as const)('refuses %s with 4.03 and creates nothing', async (_, named, asked, ca) => {
    const cert = pki.issue(ca === 'vendor' ? vendorCa : strictVendorCa, `dev-${named}-${asked}-${ca}`, {
      commonName: endpoint(named),
      purpose: 'client',
    });
    await expect(bootstrapWith(cert, endpoint(asked))).rejects.toThrow(/4\.03/);
    if (named !== 'taken') expect(await deviceRow(endpoint(asked))).toEqual([]);
    else expect(await deviceRow(endpoint('taken'))).toEqual([{ tenant_id: other.tenant }]);
  });

  it('refuses in the handshake a certificate of a CA no tenant imported', async () => {
    const rogue = pki.authority(`rogue-ca-${world.run}`);
    const ep = endpoint('rogue');
    const cert = pki.issue(rogue, `dev-${ep}`, { commonName: ep, purpose: 'client' });
    await expect(bootstrapWith(cert, ep)).rejects.toThrow();
    expect(await deviceRow(ep)).toEqual([]);
  });
});
