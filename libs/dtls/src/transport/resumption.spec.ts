import { type Peer } from '@smartcity/coap';
import { AlertDescription } from '../protocol/constants';
import { DtlsTestWorld, PSK_IDENTITY, PSK_KEY, pskTable, SERVER } from '../testing/harness';
import { clientHello, RawPeer } from '../testing/raw-peer';
import { InMemorySessionStore } from '../session/session-store';
import { DtlsServerTransport } from './dtls-server-transport';
import { clientConnectionOf } from './dtls-client-transport';
import { DtlsError } from '../errors';

const serverPeer: Peer = { address: SERVER.address, port: SERVER.port, key: 'server' };
const psk = { resolvePsk: pskTable({ [PSK_IDENTITY]: PSK_KEY }) };
const credentials = { psk: { identity: PSK_IDENTITY, key: PSK_KEY } };

async function sendAndWait(
  world: DtlsTestWorld,
  c: { client: { send(d: Buffer, p: Peer): void } },
  text: string,
) {
  const before = world.serverReceived.length;
  c.client.send(Buffer.from(text), serverPeer);
  await world.until(() => world.serverReceived.length > before, 3000);
  return world.serverReceived.at(-1)!;
}

describe('session resumption by session id (RFC 5246 §7.3)', () => {
  it('resumes after close_notify with an abbreviated handshake, keeping the peer key and identity', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk });
    const resumed: boolean[] = [];
    server.on('sessionEstablished', (e) => resumed.push(e.resumed));
    const c = await world.client({ credentials });
    const first = await sendAndWait(world, c, 'one');
    c.client.closeSession(SERVER.address, SERVER.port);
    await world.run(10);
    const second = await sendAndWait(world, c, 'two');
    expect(resumed).toEqual([false, true]);
    expect(second.peer.key).toBe(first.peer.key);
    expect(second.peer.identity).toEqual({ kind: 'psk', identity: PSK_IDENTITY });
    expect(world.serverMetrics.completed.map((x) => x.resumed)).toEqual([false, true]);
  });

  it('resumes while the old connection is still open, retiring it without a sessionClosed event', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk });
    const closed: string[] = [];
    server.on('sessionClosed', (e) => closed.push(e.reason));
    const c = await world.client({ credentials });
    const first = await sendAndWait(world, c, 'one');
    // The device reboots (loses its connection state but kept the session id) and resumes.
    const conn = clientConnectionOf(c.client, SERVER.address, SERVER.port)!;
    conn.abandon('shutdown');
    const second = await sendAndWait(world, c, 'two');
    expect(second.peer.key).toBe(first.peer.key);
    expect(closed).toEqual([]);
    expect(server.stats().sessions).toBe(1);
  });

  it('resumes on another instance that shares the session store and sealing keys', async () => {
    const store = new InMemorySessionStore();
    const sealingKeys = [{ id: 'k1', key: Buffer.alloc(32, 7) }];
    const world = new DtlsTestWorld();
    await world.startServer({ psk, sessionResumption: { store, sealingKeys } });
    const c = await world.client({ credentials });
    const first = await sendAndWait(world, c, 'one');
    c.client.closeSession(SERVER.address, SERVER.port);
    await world.run(10);
    // Instance A goes away; instance B takes over the address.
    await world.server.close();
    const endpointB = world.net.endpoint(SERVER.address, SERVER.port);
    const b = new DtlsServerTransport({
      psk,
      sessionResumption: { store, sealingKeys },
      transport: endpointB,
      clock: world.clock,
    });
    const gotB: Peer[] = [];
    const resumed: boolean[] = [];
    b.on('sessionEstablished', (e) => resumed.push(e.resumed));
    await b.start((_d, p) => gotB.push(p));
    c.client.send(Buffer.from('two'), serverPeer);
    await world.until(() => gotB.length > 0, 3000);
    expect(resumed).toEqual([true]);
    expect(gotB[0]!.key).toBe(first.peer.key);
  });

  it('falls back to a full handshake when the sealing key is unknown or the session expired', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer({ psk, sessionResumption: { lifetimeMs: 60_000 } });
    const resumed: boolean[] = [];
    server.on('sessionEstablished', (e) => resumed.push(e.resumed));
    const c = await world.client({ credentials });
    await sendAndWait(world, c, 'one');
    c.client.closeSession(SERVER.address, SERVER.port);
    await world.run(61_000, 1000);
    await sendAndWait(world, c, 'two');
    expect(resumed).toEqual([false, false]);
  });

  it('refuses to resume an extended-master-secret session without the extension (RFC 7627 §5.3)', async () => {
    const world = new DtlsTestWorld();
    await world.startServer({ psk, allowLegacyNoExtendedMasterSecret: true });
    const c = await world.client({ credentials });
    const first = await sendAndWait(world, c, 'one');
    const sessionId = Buffer.from(first.peer.key.slice('dtls:'.length), 'hex');
    const raw = await RawPeer.create(world.net, '10.0.0.9', 7777, serverPeer);
    const hello = clientHello({ sessionId, extensions: [] });
    raw.sendClientHello(hello, 0);
    await world.run(5);
    raw.sendClientHello({ ...hello, cookie: raw.lastCookie()! }, 1);
    await world.run(5);
    expect(raw.alerts()).toEqual([[2, AlertDescription.handshake_failure]]);
  });

  it('forgets a session that ended with a fatal alert (RFC 5246 §7.2.2)', async () => {
    const world = new DtlsTestWorld();
    const store = new InMemorySessionStore();
    await world.startServer({ psk, sessionResumption: { store } });
    const c = await world.client({ credentials });
    await sendAndWait(world, c, 'one');
    expect(store.size).toBe(1);
    const conn = clientConnectionOf(c.client, SERVER.address, SERVER.port)!;
    conn.fail(new DtlsError(AlertDescription.internal_error, 'test'));
    await world.run(10);
    expect(store.size).toBe(0);
  });
});
