import { type Peer } from '@smartcity/coap';
import { DtlsTestWorld, PSK_IDENTITY, PSK_KEY, pskTable, SERVER } from '../testing/harness';

const serverPeer: Peer = { address: SERVER.address, port: SERVER.port, key: 'server' };
const psk = { resolvePsk: pskTable({ [PSK_IDENTITY]: PSK_KEY }) };
const instanceId = Buffer.from('a1b2', 'hex');

async function setup() {
  const world = new DtlsTestWorld();
  world.net.keepLog = true;
  const server = await world.startServer({ psk, connectionId: { instanceId } });
  const cids: Buffer[] = [];
  server.on('sessionEstablished', (e) => e.connectionId && cids.push(e.connectionId));
  const c = await world.client({
    credentials: { psk: { identity: PSK_IDENTITY, key: PSK_KEY } },
    connectionId: true,
  });
  c.client.send(Buffer.from('one'), serverPeer);
  await world.until(() => world.serverReceived.length > 0, 2000);
  return { world, server, c, cids };
}

describe('RFC 9146 connection ids', () => {
  it('issues a CID that starts with the instance id and carries records as tls12_cid', async () => {
    const { world, c, cids } = await setup();
    expect(cids).toHaveLength(1);
    expect(cids[0]!.subarray(0, 2).equals(instanceId)).toBe(true);
    expect(cids[0]!.length).toBe(2 + 6);
    const last = world.net.log.filter((d) => d.from.port === c.endpoint.port).at(-1)!;
    expect(last.data[0]).toBe(25);
    expect(last.data.subarray(11, 19).equals(cids[0]!)).toBe(true);
  });

  it('keeps the session across a NAT rebinding and answers at the new address (RFC 9146 §6)', async () => {
    const { world, server, c } = await setup();
    const before = world.serverReceived[0]!.peer;
    world.net.rebind(c.endpoint, 55_555);
    c.client.send(Buffer.from('two'), serverPeer);
    await world.until(() => world.serverReceived.length > 1, 100);
    const after = world.serverReceived[1]!.peer;
    expect(after.key).toBe(before.key);
    expect(after.port).toBe(55_555);
    server.send(Buffer.from('reply'), after);
    await world.until(() => c.received.length > 0, 100);
    expect(c.received[0]!.data.toString()).toBe('reply');
    expect(server.peers().map((p) => p.port)).toEqual([55_555]);
  });

  it('does not move the session for a record that fails authentication from a new address', async () => {
    const { world, server, c } = await setup();
    const last = world.net.log.filter((d) => d.from.port === c.endpoint.port).at(-1)!;
    const forged = Buffer.from(last.data);
    forged.writeUIntBE(500, 5, 6); // new sequence number, same CID, stale tag
    const attacker = world.net.endpoint('203.0.113.50', 6666);
    world.net.deliver(attacker, forged, serverPeer);
    await world.run(5);
    expect(world.serverMetrics.dropped('bad_mac')).toBe(1);
    expect(server.peers()[0]!.address).toBe('10.0.0.2');
  });

  it('does not move the session for a replayed record, nor for an older authentic one', async () => {
    const { world, server, c } = await setup();
    const attacker = world.net.endpoint('203.0.113.51', 7777);
    const captured = world.net.log.filter((d) => d.from.port === c.endpoint.port).at(-1)!;
    world.net.deliver(attacker, captured.data, serverPeer); // a replay from elsewhere
    await world.run(5);
    expect(world.serverMetrics.dropped('replay')).toBe(1);
    // Hold back one record, let a newer one through, then deliver the older one from another address.
    let held: Buffer | undefined;
    world.net.filter = (d) => {
      if (d.from.port === c.endpoint.port && !held) {
        held = d.data;
        return [];
      }
      return [{ delayMs: 1 }];
    };
    c.client.send(Buffer.from('older'), serverPeer);
    c.client.send(Buffer.from('newer'), serverPeer);
    await world.run(5);
    world.net.filter = undefined;
    world.net.deliver(attacker, held!, serverPeer);
    await world.run(5);
    expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['one', 'newer', 'older']);
    expect(server.peers()[0]!.address).toBe('10.0.0.2');
  });

  it('drops tls12_cid records with an unknown CID', async () => {
    const { world } = await setup();
    const attacker = world.net.endpoint('203.0.113.52', 8888);
    const record = Buffer.concat([
      Buffer.from('19fefd0001000000000009', 'hex'),
      Buffer.alloc(8, 0xee),
      Buffer.from('0010', 'hex'),
      Buffer.alloc(16),
    ]);
    world.net.deliver(attacker, record, serverPeer);
    await world.run(5);
    expect(world.serverMetrics.dropped('unknown_cid')).toBe(1);
  });

  it('sends plain records to a client that asked for an empty CID, and none without the extension', async () => {
    const { world, c } = await setup();
    const fromServer = world.net.log.filter((d) => d.from.port === SERVER.port).at(-1)!;
    expect(fromServer.data[0]).not.toBe(25);
    expect(c.received).toHaveLength(0);
  });
});
