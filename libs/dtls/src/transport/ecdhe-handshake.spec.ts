import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { type Peer } from '@smartcity/coap';
import { DtlsTestWorld, SERVER } from '../testing/harness';
import { fixtureKey, fixturePem } from '../testing/fixtures';

const serverPeer: Peer = { address: SERVER.address, port: SERVER.port, key: 'server' };
const spki = (pem: string): Buffer =>
  createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
const serverKey = fixtureKey('server');
const clientKey = fixtureKey('client');

/** The fixture client certificate (CN urn:dev:client-1) with its intermediate, checking the server as localhost. */
const x509Client = {
  credentials: {
    certificate: {
      privateKey: clientKey,
      certificateChain: [fixturePem('client'), fixturePem('intermediate')],
      trustAnchors: [fixturePem('ca')],
      serverName: 'localhost',
    },
  },
};

async function roundTrip(
  world: DtlsTestWorld,
  c: Awaited<ReturnType<DtlsTestWorld['client']>>,
): Promise<boolean> {
  c.client.send(Buffer.from('ping'), serverPeer);
  return world.until(() => world.serverReceived.length > 0, 3000);
}

describe('DTLS 1.2 ECDHE_ECDSA_WITH_AES_128_CCM_8 in memory (RFC 7251)', () => {
  it('authenticates both sides with raw public keys (RFC 7250)', async () => {
    const world = new DtlsTestWorld();
    const seen: Buffer[] = [];
    await world.startServer({
      certificate: { privateKey: serverKey },
      clientAuthentication: {
        verifyRawPublicKey: async (key) => {
          seen.push(key);
          return key.equals(spki(clientKey));
        },
      },
    });
    const c = await world.client({
      credentials: {
        rawPublicKey: { privateKey: clientKey, verifyServerKey: (k) => k.equals(spki(serverKey)) },
      },
    });
    expect(await roundTrip(world, c)).toBe(true);
    expect(world.serverReceived[0]!.peer.identity).toEqual({ kind: 'rpk', publicKey: spki(clientKey) });
    expect(seen).toHaveLength(1);
    world.server.send(Buffer.from('pong'), world.serverReceived[0]!.peer);
    await world.until(() => c.received.length > 0, 100);
    expect(c.received[0]!.peer.identity).toEqual({ kind: 'rpk', publicKey: spki(serverKey) });
  });

  it('authenticates both sides with X.509 chains and hands up CN and SANs', async () => {
    const world = new DtlsTestWorld();
    await world.startServer({
      certificate: { privateKey: serverKey, certificateChain: [fixturePem('server')] },
      clientAuthentication: { trustAnchors: [fixturePem('ca')] },
    });
    const c = await world.client(x509Client);
    expect(await roundTrip(world, c)).toBe(true);
    const identity = world.serverReceived[0]!.peer.identity;
    expect(identity).toMatchObject({
      kind: 'x509',
      commonName: 'urn:dev:client-1',
      subjectAltNames: ['urn:dev:client-1', 'client-1.devices.test'],
    });
    expect(identity?.kind === 'x509' && identity.chain).toHaveLength(2);
  });

  it('admits a CA added with setTrustAnchors from the next handshake on, and refuses it once removed', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({
      certificate: { privateKey: serverKey, certificateChain: [fixturePem('server')] },
      clientAuthentication: { trustAnchors: [] },
    });
    const connect = () => world.client(x509Client);
    const refusedBefore = await connect();
    const failures: Array<string | undefined> = [];
    refusedBefore.client.on('handshakeFailed', (e) => failures.push(e.alert));
    refusedBefore.client.send(Buffer.from('ping'), serverPeer);
    await world.run(300);
    expect(failures).toHaveLength(1);
    expect(world.serverReceived).toHaveLength(0);

    server.setTrustAnchors([fixturePem('ca')]);
    expect(await roundTrip(world, await connect())).toBe(true);

    server.setTrustAnchors([]);
    const refusedAfter = await connect();
    refusedAfter.client.on('handshakeFailed', (e) => failures.push(e.alert));
    refusedAfter.client.send(Buffer.from('ping'), serverPeer);
    await world.run(300);
    expect(failures).toHaveLength(2);
    expect(world.serverReceived).toHaveLength(1);
  });

  it('fragments certificate flights under a small MTU, with loss, and still completes', async () => {
    const world = new DtlsTestWorld();
    let n = 0;
    world.net.filter = () => (n++ % 5 === 2 ? [] : [{ delayMs: 1 + (n % 3) }]);
    await world.startServer({
      certificate: { privateKey: serverKey, certificateChain: [fixturePem('server')] },
      clientAuthentication: { trustAnchors: [fixturePem('ca')] },
      mtu: 200,
    });
    const c = await world.client({
      credentials: {
        certificate: {
          privateKey: clientKey,
          certificateChain: [fixturePem('client'), fixturePem('intermediate')],
          trustAnchors: [fixturePem('ca')],
        },
      },
      mtu: 200,
    });
    c.client.send(Buffer.from('ping'), serverPeer);
    for (let i = 0; i < 10 && world.serverReceived.length === 0; i++) {
      await world.until(() => world.serverReceived.length > 0, 5000, 5);
      if (world.serverReceived.length === 0) c.client.send(Buffer.from('ping'), serverPeer);
    }
    expect(world.serverReceived.length).toBeGreaterThan(0);
  });

  it.each<[string, () => Parameters<DtlsTestWorld['client']>[0], string, boolean]>([
    [
      'a client certificate from another CA',
      () => ({
        credentials: {
          certificate: {
            privateKey: fixtureKey('rogue-client'),
            certificateChain: [fixturePem('rogue-client')],
            trustAnchors: [fixturePem('ca')],
          },
        },
      }),
      'unknown_ca',
      false,
    ],
    [
      'a client whose key does not match its certificate (CertificateVerify fails)',
      () => ({
        credentials: {
          certificate: {
            privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
            certificateChain: [fixturePem('client'), fixturePem('intermediate')],
            trustAnchors: [fixturePem('ca')],
          },
        },
      }),
      'decrypt_error',
      false,
    ],
    [
      'a raw public key the server does not know',
      () => ({
        credentials: {
          rawPublicKey: {
            privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
            verifyServerKey: () => true,
          },
        },
      }),
      'bad_certificate',
      false,
    ],
    [
      'a server key the client does not pin (client refuses)',
      () => ({ credentials: { rawPublicKey: { privateKey: clientKey, verifyServerKey: () => false } } }),
      'bad_certificate',
      true,
    ],
    [
      'a server certificate for another name (client refuses)',
      () => ({
        credentials: {
          certificate: {
            privateKey: clientKey,
            certificateChain: [fixturePem('client'), fixturePem('intermediate')],
            trustAnchors: [fixturePem('ca')],
            serverName: 'other.example',
          },
        },
      }),
      'bad_certificate',
      true,
    ],
  ])('refuses %s', async (_name, clientOptions, alert, clientSide) => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({
      certificate: { privateKey: serverKey, certificateChain: [fixturePem('server')] },
      clientAuthentication: {
        trustAnchors: [fixturePem('ca')],
        verifyRawPublicKey: async (k) => k.equals(spki(clientKey)),
      },
    });
    const c = await world.client(clientOptions());
    const failures: Array<{ alert?: string }> = [];
    c.client.on('handshakeFailed', (e) => failures.push({ alert: e.alert }));
    c.client.send(Buffer.from('ping'), serverPeer);
    await world.run(300);
    expect(failures).toEqual([{ alert }]);
    expect(server.stats().sessions).toBe(0);
    expect(world.serverMetrics.failed[0]).toEqual({ alert, byPeer: clientSide });
  });

  it('requires a client certificate: an empty Certificate fails the handshake (mutual authentication)', async () => {
    const world = new DtlsTestWorld();
    await world.startServer({
      certificate: { privateKey: serverKey, certificateChain: [fixturePem('server')] },
      clientAuthentication: { trustAnchors: [fixturePem('ca')] },
    });
    // An RPK client facing an X.509-only server has nothing to send for client_certificate_type X.509.
    const c = await world.client({
      credentials: {
        certificate: { privateKey: clientKey, certificateChain: [], trustAnchors: [fixturePem('ca')] },
      },
    });
    const failures: Array<string | undefined> = [];
    c.client.on('handshakeFailed', (e) => failures.push(e.alert));
    c.client.send(Buffer.from('ping'), serverPeer);
    await world.run(300);
    expect(failures).toEqual(['handshake_failure']);
  });

  it('prefers the server order and falls back to PSK for a PSK-only client on a mixed server', async () => {
    const world = new DtlsTestWorld();
    await world.startServer({
      psk: { resolvePsk: async () => Buffer.alloc(16, 1) },
      certificate: { privateKey: serverKey },
      clientAuthentication: { verifyRawPublicKey: async () => true },
    });
    const c = await world.client({ credentials: { psk: { identity: 'x', key: Buffer.alloc(16, 1) } } });
    expect(await roundTrip(world, c)).toBe(true);
    expect(world.serverMetrics.completed[0]!.suite).toBe('TLS_PSK_WITH_AES_128_CCM_8');
  });
});
