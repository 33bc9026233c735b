import { type Peer } from '@smartcity/coap';
import { DtlsTestWorld, PSK_IDENTITY, PSK_KEY, pskTable, SERVER } from '../testing/harness';
import { fixtureKey, fixturePem } from '../testing/fixtures';
import { DtlsServerTransport } from './dtls-server-transport';
import { serverConnectionOf } from './dtls-server-transport';

const serverPeer: Peer = { address: SERVER.address, port: SERVER.port, key: 'server' };
const credentials = { psk: { identity: PSK_IDENTITY, key: PSK_KEY } };
const psk = { resolvePsk: pskTable({ [PSK_IDENTITY]: PSK_KEY }) };
/** A PSK lookup that never answers: handshakes stay in progress. */
const stuck = { resolvePsk: () => new Promise<Buffer | undefined>(() => undefined) };

async function startHandshakes(world: DtlsTestWorld, addresses: string[]): Promise<void> {
  for (const a of addresses) {
    const c = await world.client({ credentials }, a);
    c.client.send(Buffer.from('x'), serverPeer);
  }
  await world.run(20);
}

describe('DTLS server limits', () => {
  it('bounds handshakes in progress in total', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk: stuck, limits: { maxHandshakes: 2 } });
    await startHandshakes(world, ['10.1.0.1', '10.1.0.2', '10.1.0.3']);
    expect(server.stats().handshakes).toBe(2);
    expect(world.serverMetrics.dropped('handshake_limit')).toBeGreaterThan(0);
  });

  it('bounds handshakes in progress per IP address', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk: stuck, limits: { maxHandshakesPerAddress: 1 } });
    await startHandshakes(world, ['10.1.0.1', '10.1.0.1', '10.1.0.2']);
    expect(server.stats().handshakes).toBe(2);
    expect(world.serverMetrics.dropped('handshake_limit')).toBeGreaterThan(0);
  });

  it('rate-limits new handshakes per IP address with a token bucket on the clock', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({
      psk,
      limits: { handshakesPerSecondPerAddress: 1, handshakeBurstPerAddress: 2 },
    });
    await startHandshakes(world, ['10.1.0.1', '10.1.0.1', '10.1.0.1']);
    expect(server.stats().sessions).toBe(2);
    expect(world.serverMetrics.dropped('rate_limited')).toBeGreaterThan(0);
    await world.run(1500, 10); // a token refills; the third client's retransmission gets through
    expect(server.stats().sessions).toBe(3);
  });

  it('refuses new sessions beyond maxSessions', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk, limits: { maxSessions: 1 } });
    await startHandshakes(world, ['10.1.0.1', '10.1.0.2']);
    expect(server.stats().sessions).toBe(1);
    expect(world.serverMetrics.dropped('session_limit')).toBeGreaterThan(0);
  });

  it('abandons a handshake that does not complete in time', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({
      psk: stuck,
      limits: { handshakeTimeoutMs: 10_000, sweepIntervalMs: 1000 },
    });
    await startHandshakes(world, ['10.1.0.1']);
    expect(server.stats().handshakes).toBe(1);
    await world.run(12_000, 100);
    expect(server.stats().handshakes).toBe(0);
    expect(world.serverMetrics.failed.at(-1)?.alert).toBe('handshake_failure');
  });

  it('closes a session idle for longer than sessionIdleMs', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk, limits: { sessionIdleMs: 30_000, sweepIntervalMs: 1000 } });
    const closed: string[] = [];
    server.on('sessionClosed', (e) => closed.push(e.reason));
    await startHandshakes(world, ['10.1.0.1']);
    expect(server.stats().sessions).toBe(1);
    await world.run(32_000, 500);
    expect(closed).toEqual(['idle']);
    expect(world.serverMetrics.sessionsNow).toBe(0);
  });

  it('refuses handshake messages above maxHandshakeMessageBytes', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({
      certificate: { privateKey: fixtureKey('server'), certificateChain: [fixturePem('server')] },
      clientAuthentication: { trustAnchors: [fixturePem('ca')] },
      limits: { maxHandshakeMessageBytes: 300, maxRetransmissions: 1 },
    });
    const c = await world.client({
      credentials: {
        certificate: {
          privateKey: fixtureKey('client'),
          certificateChain: [fixturePem('client'), fixturePem('intermediate')],
          trustAnchors: [fixturePem('ca')],
        },
      },
      limits: { maxRetransmissions: 1 },
    });
    c.client.send(Buffer.from('x'), serverPeer);
    await world.run(10_000, 50);
    expect(world.serverMetrics.dropped('fragment_rejected')).toBeGreaterThan(0);
    expect(server.stats().sessions).toBe(0);
  });

  it('validates its limits', () => {
    expect(
      () =>
        new DtlsServerTransport({
          transport: new DtlsTestWorld().serverEndpoint,
          psk,
          limits: { maxSessions: -1 },
        }),
    ).toThrow(TypeError);
  });
});

describe('session export and import', () => {
  it('exports a sealed session that another instance imports and resumes', async () => {
    const sealingKeys = [{ id: 'shared', key: Buffer.alloc(32, 5) }];
    const world = new DtlsTestWorld();
    await world.startServer({ psk, sessionResumption: { sealingKeys } });
    const c = await world.client({ credentials });
    c.client.send(Buffer.from('one'), serverPeer);
    await world.until(() => world.serverReceived.length > 0, 2000);
    const peer = world.serverReceived[0]!.peer;
    const exported = world.server.exportSession(peer.key)!;
    expect(exported.includes(serverConnectionOf(world.server, peer.key)!.session!.masterSecret)).toBe(false);
    c.client.closeSession(SERVER.address, SERVER.port);
    await world.run(10);
    await world.server.close();
    const b = new DtlsServerTransport({
      psk,
      sessionResumption: { sealingKeys },
      transport: world.net.endpoint(SERVER.address, SERVER.port),
      clock: world.clock,
    });
    const resumed: boolean[] = [];
    b.on('sessionEstablished', (e) => resumed.push(e.resumed));
    const got: Peer[] = [];
    await b.start((_d, p) => got.push(p));
    expect(await b.importSession(exported, Buffer.from(peer.key.slice(5), 'hex'))).toBe(true);
    expect(await b.importSession(exported, Buffer.alloc(32))).toBe(false);
    c.client.send(Buffer.from('two'), serverPeer);
    await world.until(() => got.length > 0, 2000);
    expect(resumed).toEqual([true]);
    expect(got[0]!.key).toBe(peer.key);
  });
});
