import { type Peer } from '@smartcity/coap';
import { ContentType } from '../protocol/constants';
import { parseDatagram } from '../record/record';
import { DtlsTestWorld, PSK_IDENTITY, PSK_KEY, pskTable, SERVER } from '../testing/harness';
import { type Fate, seededRandom } from '../testing/memory-network';
import { type CipherSuiteName } from '../handshake/cipher-suites';

const serverPeer: Peer = {
  address: SERVER.address,
  port: SERVER.port,
  key: `${SERVER.address}|${SERVER.port}`,
};
const pskServer = { psk: { resolvePsk: pskTable({ [PSK_IDENTITY]: PSK_KEY }) } };
const pskClient = { credentials: { psk: { identity: PSK_IDENTITY, key: PSK_KEY } } };

/** Handshake plus one request/response; returns what each side received. */
async function exchange(
  world: DtlsTestWorld,
  client: Awaited<ReturnType<DtlsTestWorld['client']>>,
  maxMs = 5000,
) {
  client.client.send(Buffer.from('ping'), serverPeer);
  const got = await world.until(() => world.serverReceived.length > 0, maxMs);
  if (!got) throw new Error('server got nothing');
  world.server.send(Buffer.from('pong'), world.serverReceived[0]!.peer);
  await world.until(() => client.received.length > 0, maxMs);
}

describe('DTLS 1.2 PSK handshake in memory', () => {
  it.each<CipherSuiteName>(['TLS_PSK_WITH_AES_128_CCM_8', 'TLS_PSK_WITH_AES_128_CBC_SHA256'])(
    'completes %s and carries application data both ways',
    async (suite) => {
      const world = new DtlsTestWorld();
      const server = await world.startServer({ ...pskServer, cipherSuites: [suite] });
      const established: string[] = [];
      server.on('sessionEstablished', (e) => established.push(e.suite));
      const c = await world.client({ ...pskClient, cipherSuites: [suite] });
      await exchange(world, c);
      expect(established).toEqual([suite]);
      expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['ping']);
      const peer = world.serverReceived[0]!.peer;
      expect(peer.identity).toEqual({ kind: 'psk', identity: PSK_IDENTITY });
      expect(peer.key).toMatch(/^dtls:[0-9a-f]{64}$/);
      expect(c.received.map((r) => r.data.toString())).toEqual(['pong']);
      // The client's peer is the server address it sent to (udpPeer key), so CoAP matches responses to requests.
      expect(c.received[0]!.peer.key).toBe(`${SERVER.address}|${SERVER.port}`);
      expect(world.serverMetrics.helloVerify).toBe(1);
      expect(world.serverMetrics.completed).toEqual([{ suite, resumed: false }]);
      expect(server.stats()).toMatchObject({ sessions: 1, handshakes: 0 });
    },
  );

  it('queues application data sent before the handshake and delivers it in order', async () => {
    const world = new DtlsTestWorld();
    await world.startServer(pskServer);
    const c = await world.client(pskClient);
    for (const m of ['a', 'b', 'c']) c.client.send(Buffer.from(m), serverPeer);
    await world.until(() => world.serverReceived.length === 3, 2000);
    expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['a', 'b', 'c']);
  });

  it('resolves connect() with the session peer', async () => {
    const world = new DtlsTestWorld();
    await world.startServer(pskServer);
    const c = await world.client(pskClient);
    const p = c.client.connect(SERVER.address, SERVER.port);
    await world.run(20);
    await expect(p).resolves.toMatchObject({ address: SERVER.address, identity: { kind: 'psk' } });
  });

  it.each<[string, (rand: () => number) => (d: { index: number }) => Fate]>([
    ['30% of datagrams lost', (rand) => () => (rand() < 0.3 ? [] : [{ delayMs: 1 }])],
    ['every datagram duplicated', () => () => [{ delayMs: 1 }, { delayMs: 3 }]],
    ['datagrams reordered', (rand) => () => [{ delayMs: 1 + Math.floor(rand() * 40) }]],
    ['the first five datagrams lost', () => (d) => (d.index < 5 ? [] : [{ delayMs: 1 }])],
  ])('completes with %s, on the RFC 6347 §4.2.4 retransmission timer', async (_name, makeFilter) => {
    for (const seed of [1, 2, 3]) {
      const world = new DtlsTestWorld();
      world.net.filter = makeFilter(seededRandom(seed));
      await world.startServer(pskServer);
      const c = await world.client(pskClient);
      // Application data is retried like CoAP would; DTLS itself never duplicates it (anti-replay).
      c.client.send(Buffer.from('ping'), serverPeer);
      for (let i = 0; i < 20 && world.serverReceived.length === 0; i++) {
        await world.until(() => world.serverReceived.length > 0, 3000, 5);
        if (world.serverReceived.length === 0) c.client.send(Buffer.from('ping'), serverPeer);
      }
      expect(world.serverReceived.length).toBeGreaterThan(0);
      expect(new Set(world.serverReceived.map((r) => r.data.toString()))).toEqual(new Set(['ping']));
    }
  });

  it('delivers a duplicated application datagram once (RFC 6347 §4.1.2.6)', async () => {
    const world = new DtlsTestWorld();
    await world.startServer(pskServer);
    const c = await world.client(pskClient);
    await exchange(world, c);
    world.net.filter = () => [{ delayMs: 1 }, { delayMs: 2 }, { delayMs: 50 }];
    c.client.send(Buffer.from('once'), serverPeer);
    await world.run(100);
    expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['ping', 'once']);
    expect(world.serverMetrics.dropped('replay')).toBe(2);
  });

  it('fragments and reassembles flights under a tiny MTU (RFC 6347 §4.2.3)', async () => {
    const world = new DtlsTestWorld();
    world.net.keepLog = true;
    await world.startServer({
      ...pskServer,
      mtu: 60,
      psk: { ...pskServer.psk, identityHint: 'a hint that is long enough to split' },
    });
    const c = await world.client({ ...pskClient, mtu: 60 });
    await exchange(world, c);
    expect(world.serverReceived).toHaveLength(1);
    const fromServer = world.net.log.filter((d) => d.from.port === SERVER.port);
    expect(Math.max(...fromServer.map((d) => d.data.length))).toBeLessThanOrEqual(60);
    const fragmented = world.net.log.some((d) =>
      parseDatagram(d.data, 0).records.some(
        (r) => r.type === ContentType.handshake && r.epoch === 0 && r.fragment.readUIntBE(6, 3) > 0,
      ),
    );
    expect(fragmented).toBe(true);
  });

  it('closes both sides on close_notify (RFC 5246 §7.2.1)', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer(pskServer);
    const closed: string[] = [];
    server.on('sessionClosed', (e) => closed.push(e.reason));
    const c = await world.client(pskClient);
    await exchange(world, c);
    c.client.closeSession(SERVER.address, SERVER.port);
    await world.run(10);
    expect(closed).toEqual(['close_notify']);
    expect(server.stats().sessions).toBe(0);
  });

  it('is not aborted by a late record of the previous connection from the same address', async () => {
    const world = new DtlsTestWorld();
    await world.startServer(pskServer);
    const c = await world.client(pskClient);
    await exchange(world, c);
    // The server's close_notify answer is delayed into the client's next handshake (deferred, then unopenable).
    world.net.filter = (d) => [
      { delayMs: d.from.port === SERVER.port && d.data[0] === ContentType.alert ? 4 : 1 },
    ];
    c.client.closeSession(SERVER.address, SERVER.port);
    c.client.forgetSession(SERVER.address, SERVER.port);
    c.client.send(Buffer.from('again'), serverPeer);
    await world.until(() => world.serverReceived.length > 1, 2000);
    expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['ping', 'again']);
    expect(c.metrics.drops).toEqual(['bad_mac']);
  });

  it('sends queued data after a failed handshake is retried by the next send', async () => {
    const world = new DtlsTestWorld();
    world.net.filter = () => []; // the server is unreachable at first
    await world.startServer(pskServer);
    const c = await world.client({ ...pskClient, limits: { maxRetransmissions: 1 } });
    const failures: string[] = [];
    c.client.on('handshakeFailed', (e) => failures.push(e.reason));
    c.client.send(Buffer.from('lost'), serverPeer);
    await world.run(5000, 50);
    expect(failures).toEqual(['timeout']);
    world.net.filter = undefined;
    c.client.send(Buffer.from('later'), serverPeer);
    await world.until(() => world.serverReceived.length > 0, 2000);
    expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['later']);
  });
});
