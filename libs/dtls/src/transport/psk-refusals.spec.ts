import { type Peer } from '@smartcity/coap';
import { encodeHandshakeFragment } from '../handshake/handshake-fragment';
import { encodeClientHello } from '../handshake/messages/hello';
import { AlertDescription, AlertLevel, ContentType, DTLS_1_2, HandshakeType } from '../protocol/constants';
import { encodeRecord, parseDatagram } from '../record/record';
import { DtlsTestWorld, PSK_IDENTITY, PSK_KEY, pskTable, SERVER } from '../testing/harness';
import { DtlsError } from '../errors';
import { clientConnectionOf } from './dtls-client-transport';
import { serverConnectionOf } from './dtls-server-transport';

const serverPeer: Peer = { address: SERVER.address, port: SERVER.port, key: 'server' };
const pskServer = { psk: { resolvePsk: pskTable({ [PSK_IDENTITY]: PSK_KEY }) } };

async function established(world: DtlsTestWorld, identity = PSK_IDENTITY, key = PSK_KEY) {
  const c = await world.client({ credentials: { psk: { identity, key } } });
  c.client.send(Buffer.from('ping'), serverPeer);
  await world.until(() => world.serverReceived.length > 0, 2000);
  return c;
}

/** A plaintext ClientHello record (epoch 0), as a flood sender would craft it. */
function clientHelloDatagram(random: Buffer, cookie = Buffer.alloc(0)): Buffer {
  const body = encodeClientHello({
    clientVersion: DTLS_1_2,
    random,
    sessionId: Buffer.alloc(0),
    cookie,
    cipherSuites: [0xc0a8],
    compressionMethods: [0],
    extensions: [{ type: 23, data: Buffer.alloc(0) }],
  });
  const fragment = encodeHandshakeFragment({
    msgType: 1,
    length: body.length,
    messageSeq: 0,
    offset: 0,
    data: body,
  });
  return encodeRecord({ type: ContentType.handshake, version: DTLS_1_2, epoch: 0, sequence: 0, fragment });
}

describe('DTLS server refusals', () => {
  it('answers a wrong PSK with decrypt_error after the Finished check and keeps no session', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer(pskServer);
    const c = await world.client({
      credentials: { psk: { identity: PSK_IDENTITY, key: Buffer.alloc(16, 9) } },
    });
    const failures: Array<string | undefined> = [];
    c.client.on('handshakeFailed', (e) => failures.push(e.alert));
    c.client.send(Buffer.from('ping'), serverPeer);
    await world.run(200);
    expect(failures).toEqual(['decrypt_error']);
    expect(world.serverMetrics.failed).toEqual([{ alert: 'decrypt_error', byPeer: false }]);
    expect(server.stats()).toMatchObject({ sessions: 0, handshakes: 0 });
    expect(world.serverReceived).toHaveLength(0);
  });

  it('puts no key material in what a failed handshake reports', async () => {
    const world = new DtlsTestWorld();
    await world.startServer(pskServer);
    const wrong = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex');
    const c = await world.client({ credentials: { psk: { identity: PSK_IDENTITY, key: wrong } } });
    const outcome = c.client.connect(SERVER.address, SERVER.port).catch((e: Error) => e);
    await world.run(200);
    const err = (await outcome) as DtlsError;
    expect(err).toBeInstanceOf(DtlsError);
    expect(err.alertName).toBe('decrypt_error');
    for (const secret of [wrong, PSK_KEY]) {
      for (const text of [err.message, err.stack ?? '', JSON.stringify(world.serverMetrics)]) {
        expect(text).not.toContain(secret.toString('hex'));
        expect(text).not.toContain(secret.toString('base64'));
      }
    }
  });

  it('makes an unknown identity indistinguishable from a wrong key (RFC 4279 §2)', async () => {
    const trace = async (identity: string) => {
      const world = new DtlsTestWorld();
      world.net.keepLog = true;
      await world.startServer(pskServer);
      const c = await world.client({ credentials: { psk: { identity, key: Buffer.alloc(16, 9) } } });
      const failures: Array<string | undefined> = [];
      c.client.on('handshakeFailed', (e) => failures.push(e.alert));
      c.client.send(Buffer.from('ping'), serverPeer);
      await world.run(200);
      const fromServer = world.net.log.filter((d) => d.from.port === SERVER.port);
      // What the client can observe: datagram sizes, record types/epochs, and the alert.
      return {
        failures,
        shape: fromServer.map((d) =>
          parseDatagram(d.data, 0).records.map((r) => `${r.type}/${r.epoch}/${r.fragment.length}`),
        ),
        alert: fromServer.at(-1)!.data.subarray(13).toString('hex'),
      };
    };
    const wrongKey = await trace('device-1'); // known identity, wrong key
    const unknown = await trace('device-9'); // unknown identity, same length
    expect(unknown).toEqual(wrongKey);
    expect(wrongKey.failures).toEqual(['decrypt_error']);
    expect(wrongKey.alert).toBe('0233'); // fatal(2), decrypt_error(51)
  });

  it('drops a replayed application record and a record with a bad MAC, keeping the session', async () => {
    const world = new DtlsTestWorld();
    world.net.keepLog = true;
    await world.startServer(pskServer);
    const c = await established(world);
    const appData = world.net.log.filter((d) => d.from.port === c.endpoint.port).at(-1)!;
    world.net.deliver(c.endpoint, appData.data, serverPeer); // replay
    const bad = Buffer.from(appData.data);
    bad.writeUIntBE(1000, 5, 6); // a fresh sequence number, so only authentication can refuse it

    world.net.deliver(c.endpoint, bad, serverPeer); // tampered tag
    await world.run(10);
    expect(world.serverMetrics.dropped('replay')).toBe(1);
    expect(world.serverMetrics.dropped('bad_mac')).toBe(1);
    c.client.send(Buffer.from('still here'), serverPeer);
    await world.run(10);
    expect(world.serverReceived.map((r) => r.data.toString())).toEqual(['ping', 'still here']);
  });

  it('keeps no state for a ClientHello flood without cookies and never sends more bytes than it receives', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer(pskServer);
    const attacker = world.net.endpoint('203.0.113.7', 9999);
    let received = 0;
    for (let i = 0; i < 1000; i++) {
      const d = clientHelloDatagram(Buffer.alloc(32, i & 0xff));
      received += d.length;
      attacker.port = 10_000 + i; // spoofed source ports
      world.net.deliver(attacker, d, serverPeer);
    }
    await world.run(20);
    expect(server.stats()).toEqual({ sessions: 0, handshakes: 0, trackedAddresses: 0 });
    expect(world.serverMetrics.helloVerify).toBe(1000);
    expect(world.net.bytesSent.get(`${SERVER.address}|${SERVER.port}`)).toBeLessThanOrEqual(received);
    // Only the sweep timer remains scheduled: nothing per sender.
    expect(world.clock.pendingTimers).toBe(1);
  });

  it('sends a HelloVerifyRequest for a wrong or stale cookie, never a handshake', async () => {
    const world = new DtlsTestWorld();
    const server = await world.startServer(pskServer);
    const attacker = world.net.endpoint('203.0.113.8', 4444);
    world.net.deliver(attacker, clientHelloDatagram(Buffer.alloc(32, 1), Buffer.alloc(32, 0xee)), serverPeer);
    await world.run(5);
    expect(world.serverMetrics.helloVerify).toBe(1);
    expect(server.stats().handshakes).toBe(0);
  });

  it('refuses renegotiation with a no_renegotiation warning (RFC 5746 §4.2) and keeps the session', async () => {
    const world = new DtlsTestWorld();
    world.net.keepLog = true;
    const server = await world.startServer(pskServer);
    const c = await established(world);
    const conn = clientConnectionOf(c.client, SERVER.address, SERVER.port)!;
    const body = encodeClientHello({
      clientVersion: DTLS_1_2,
      random: Buffer.alloc(32, 3),
      sessionId: Buffer.alloc(0),
      cookie: Buffer.alloc(0),
      cipherSuites: [0xc0a8],
      compressionMethods: [0],
      extensions: [],
    });
    const fragment = encodeHandshakeFragment({
      msgType: HandshakeType.clientHello,
      length: body.length,
      messageSeq: 0,
      offset: 0,
      data: body,
    });
    const before = world.net.log.length;
    // Hold back what the server answers, to open it here rather than in the client.
    world.net.filter = (d) => (d.from.port === SERVER.port ? [] : [{ delayMs: 1 }]);
    c.endpoint.send(conn.record.seal(ContentType.handshake, fragment), serverPeer);
    await world.run(10);
    world.net.filter = undefined;
    const answers = world.net.log.slice(before).filter((d) => d.from.port === SERVER.port);
    expect(answers).toHaveLength(1);
    const record = parseDatagram(answers[0]!.data, 0).records[0]!;
    const opened = conn.record.open(record);
    expect(opened.ok && [opened.record.type, ...opened.record.plaintext]).toEqual([
      ContentType.alert,
      AlertLevel.warning,
      AlertDescription.no_renegotiation,
    ]);
    expect(server.stats().sessions).toBe(1);
    c.client.send(Buffer.from('after'), serverPeer);
    await world.run(10);
    expect(world.serverReceived.at(-1)!.data.toString()).toBe('after');
  });

  it('makes our client decline a HelloRequest with no_renegotiation (RFC 5246 §7.4.1.1)', async () => {
    const world = new DtlsTestWorld();
    world.net.keepLog = true;
    const server = await world.startServer(pskServer);
    const c = await established(world);
    const conn = serverConnectionOf(server, world.serverReceived[0]!.peer.key)!;
    const helloRequest = encodeHandshakeFragment({
      msgType: HandshakeType.helloRequest,
      length: 0,
      messageSeq: 0,
      offset: 0,
      data: Buffer.alloc(0),
    });
    world.net.filter = (d) => (d.from.port === c.endpoint.port ? [] : [{ delayMs: 1 }]);
    const before = world.net.log.length;
    world.serverEndpoint.send(conn.record.seal(ContentType.handshake, helloRequest), {
      address: c.endpoint.address,
      port: c.endpoint.port,
      key: 'c',
    });
    await world.run(10);
    world.net.filter = undefined;
    const answer = world.net.log.slice(before).find((d) => d.from.port === c.endpoint.port)!;
    const opened = conn.record.open(parseDatagram(answer.data, 0).records[0]!);
    expect(opened.ok && [opened.record.type, ...opened.record.plaintext]).toEqual([
      ContentType.alert,
      AlertLevel.warning,
      AlertDescription.no_renegotiation,
    ]);
  });

  it('refuses a client without extended_master_secret unless legacy is allowed (RFC 7627 §5.2)', async () => {
    const refuse = new DtlsTestWorld();
    await refuse.startServer(pskServer);
    const c1 = await refuse.client({
      credentials: { psk: { identity: PSK_IDENTITY, key: PSK_KEY } },
      allowLegacyNoExtendedMasterSecret: true,
    });
    // A legacy client: the extension is stripped from its ClientHello by a test filter on the wire.
    refuse.net.filter = stripExtendedMasterSecret;
    const failures: Array<string | undefined> = [];
    c1.client.on('handshakeFailed', (e) => failures.push(e.alert));
    c1.client.send(Buffer.from('x'), serverPeer);
    await refuse.run(100);
    expect(failures).toEqual(['handshake_failure']);

    const allow = new DtlsTestWorld();
    await allow.startServer({ ...pskServer, allowLegacyNoExtendedMasterSecret: true });
    const c2 = await allow.client({
      credentials: { psk: { identity: PSK_IDENTITY, key: PSK_KEY } },
      allowLegacyNoExtendedMasterSecret: true,
      offerExtendedMasterSecret: false,
    });
    c2.client.send(Buffer.from('x'), serverPeer);
    await allow.until(() => allow.serverReceived.length > 0, 1000);
    expect(allow.serverReceived).toHaveLength(1);
    const session = serverConnectionOf(allow.server, allow.serverReceived[0]!.peer.key)!.session!;
    expect(session.extendedMasterSecret).toBe(false);
  });

  it('drops datagrams above the size limit unread', async () => {
    const world = new DtlsTestWorld();
    await world.startServer({ ...pskServer, limits: { maxDatagramBytes: 1000 } });
    const sender = world.net.endpoint('198.51.100.1', 1);
    world.net.deliver(sender, Buffer.alloc(1001, 22), serverPeer);
    await world.run(5);
    expect(world.serverMetrics.drops).toEqual(['oversized_datagram']);
  });
});

/** Rewrites the extended_master_secret extension (23) of a ClientHello into an unknown one (0x7777). */
function stripExtendedMasterSecret(d: { data: Buffer }): Array<{ delayMs: number; data?: Buffer }> {
  const data = Buffer.from(d.data);
  if (data[0] === ContentType.handshake && data[13] === HandshakeType.clientHello) {
    const i = data.indexOf(Buffer.from('00170000', 'hex'), 13 + 12 + 35);
    if (i > 0) data.writeUInt16BE(0x7777, i);
  }
  return [{ delayMs: 1, data }];
}
