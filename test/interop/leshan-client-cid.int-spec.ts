/**
 * The harness's RFC 9146 path, end to end: the Leshan client (Scandium) offers a connection ID, a NAT relay between
 * it and a DTLS server changes the client's public address, and the next request reaches the server over the same
 * DTLS connection, without a handshake (RFC 9146 §6: the CID, not the address, names the connection). The server is
 * a stand-in on Scandium (CidTestServer: registration interface only); pointing `serverUri` at our ingest over
 * DTLS makes the same test a test of our server. Also the harness's own `rebind`: a new client socket makes
 * Scandium resume the session (abbreviated handshake, RFC 5246 §7.3).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type LeshanEvent, LeshanClientPeer, prepareLeshanClient } from './leshan-client/leshan-client';
import { UdpNatRelay } from './leshan-client/udp-nat-relay';

jest.setTimeout(90_000);

const HOME = join(__dirname, '../../.local/leshan-client');
const PSK = { identity: 'leshan-cid', key: Buffer.from('cid-test-key-0123') };

describe('Leshan client harness: RFC 9146 connection ID across a NAT rebinding', () => {
  let server: ChildProcessWithoutNullStreams;
  const serverEvents: LeshanEvent[] = [];
  let relay: UdpNatRelay;
  let leshan: LeshanClientPeer;

  const serverEvent = async (where: (e: LeshanEvent) => boolean, from = 0): Promise<LeshanEvent> => {
    for (let i = 0; i < 200; i++) {
      const e = serverEvents.slice(from).find(where);
      if (e) return e;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no such server event; seen:\n${serverEvents.map((e) => JSON.stringify(e)).join('\n')}`);
  };

  beforeAll(async () => {
    prepareLeshanClient();
    server = spawn(
      'java',
      [
        '-Xmx128m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        `${join(HOME, 'classes')}:${join(HOME, 'lib/*')}`,
        'org.smartcity.interop.leshanclient.CidTestServer',
        PSK.identity,
        PSK.key.toString('hex'),
        '6',
      ],
      { cwd: HOME, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    createInterface({ input: server.stdout }).on('line', (line) => {
      serverEvents.push(JSON.parse(line) as LeshanEvent);
    });
    const listening = await serverEvent((e) => e.event === 'listening');
    relay = new UdpNatRelay({ host: '127.0.0.1', port: Number(listening['port']) });
    await relay.start();
    leshan = await LeshanClientPeer.launch();
  }, 180_000);

  afterAll(async () => {
    await leshan?.stop();
    await relay?.close();
    server?.stdin.end();
    if (server && server.exitCode === null) await new Promise((r) => server.once('exit', r));
  });

  it('negotiates a CID, keeps the DTLS connection after the NAT rebinding, and updates over it', async () => {
    await leshan.start({
      endpoint: 'leshan-cid',
      serverUri: `coaps://127.0.0.1:${relay.port}`,
      security: { mode: 'psk', ...PSK },
      connectionId: true,
      objects: [
        { id: 3, version: '1.1', instances: [{ id: 0, resources: { 0: 'Eclipse Leshan', 16: 'U' } }] },
      ],
      models: [],
    });
    await leshan.registered(0);
    // The server asked for a 6-byte CID; the client (length 0) uses it in what it sends and wants none back.
    const handshake = await leshan.waitFor('dtls-handshake-ok', { from: 0 });
    expect(handshake).toMatchObject({ cidRead: '' });
    expect(String(handshake['cidWrite'])).toMatch(/^[0-9A-F]{12}$/i);
    const register = await serverEvent((e) => e['op'] === 'register');
    expect(register['peer']).toBe(`/127.0.0.1:${relay.publicPort}`);

    const from = leshan.cursor;
    const serverFrom = serverEvents.length;
    const moved = await relay.rebind();
    expect(moved.to).not.toBe(moved.from);
    await leshan.update();
    const update = await serverEvent((e) => e['op'] === 'update', serverFrom);
    expect(update['peer']).toBe(`/127.0.0.1:${moved.to}`);
    expect(leshan.since(from, 'dtls-handshake-started')).toEqual([]);
    expect(serverEvents.slice(serverFrom).filter((e) => e.event.startsWith('dtls-handshake'))).toEqual([]);
  });

  it('rebinds its own socket: Scandium resumes the session with an abbreviated handshake', async () => {
    const from = leshan.cursor;
    const rebound = await leshan.rebind({ update: true });
    expect(rebound['to']).not.toBe(rebound['from']);
    expect(await leshan.waitFor('updated', { from })).toBeDefined();
    expect(await leshan.waitFor('dtls-handshake-ok', { from })).toMatchObject({ full: false });
  });
});
