import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Peer, UdpTransport } from '@smartcity/coap';
import { fixtureKey, fixturePath, fixturePem } from '../testing/fixtures';
import { PeerProcess, requireTool } from '../testing/interop';
import { freeUdpPort } from '../testing/ports';
import { type DtlsClientCredentials } from '../transport/client-options';
import { DtlsClientTransport } from '../transport/dtls-client-transport';
import { DtlsServerTransport } from '../transport/dtls-server-transport';
import { type DtlsServerOptions } from '../transport/server-options';

jest.setTimeout(120_000);

const IDENTITY = 'device-1';
const KEY_HEX = '00112233445566778899aabbccddeeff';
const KEY = Buffer.from(KEY_HEX, 'hex');
const BASE = 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:-CIPHER-ALL:+AES-128-CCM-8';
const PSK_PRIORITY = `${BASE}:+PSK`;
const ECDHE_PRIORITY = `${BASE}:+ECDHE-ECDSA`;
const RPK_PRIORITY = `${ECDHE_PRIORITY}:+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK`;

/**
 * Interoperability with GnuTLS (Debian gnutls-bin, installed by deploy/local/hooks/after-up.d/55-dtls-peers.sh):
 * `gnutls-cli --udp` against our server and `gnutls-serv --udp` against our client, PSK, X.509 and raw public keys.
 */
describe('interop with GnuTLS', () => {
  const cli = requireTool('gnutls-cli');
  const serv = requireTool('gnutls-serv');
  const procs: PeerProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dtls-gnutls-'));
    writeFileSync(join(dir, 'psk.passwd'), `${IDENTITY}:${KEY_HEX}\n`);
    writeFileSync(join(dir, 'client-chain.pem'), fixturePem('client') + fixturePem('intermediate'));
    for (const name of ['client', 'server'] as const) {
      const key = createPrivateKey(fixtureKey(name));
      writeFileSync(join(dir, `${name}-rpk.key`), key.export({ type: 'sec1', format: 'pem' }));
      writeFileSync(
        join(dir, `${name}-rpk.pub`),
        createPublicKey(key).export({ type: 'spki', format: 'pem' }),
      );
    }
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill();
    for (const c of closers.splice(0)) await c();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function spawn(command: string, args: string[]): PeerProcess {
    const p = new PeerProcess(command, args);
    procs.push(p);
    return p;
  }

  const spki = (name: 'client' | 'server'): Buffer =>
    createPublicKey(createPrivateKey(fixtureKey(name))).export({ type: 'spki', format: 'der' });

  async function echoServer(options: Omit<DtlsServerOptions, 'transport'>) {
    const server = new DtlsServerTransport({
      ...options,
      transport: new UdpTransport({ host: '127.0.0.1', port: 0 }),
    });
    const seen: Peer[] = [];
    await server.start((data, peer) => {
      seen.push(peer);
      server.send(Buffer.from(`echo:${data.toString()}`), peer);
    });
    closers.push(() => server.close());
    return { server, port: server.localAddress().port, seen };
  }

  it.each([
    ['AES-128-CCM-8', PSK_PRIORITY, 'TLS_PSK_WITH_AES_128_CCM_8'],
    ['AES-128-CBC', `${BASE}:+PSK:+AES-128-CBC:-MAC-ALL:+SHA256`, 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  ] as const)('gnutls-cli PSK %s against our server', async (cipher, priority, suite) => {
    const { port, seen } = await echoServer({
      psk: { resolvePsk: async (id) => (id === IDENTITY ? KEY : undefined) },
      cipherSuites: [suite],
    });
    const c = spawn(cli, [
      '--udp',
      '-p',
      String(port),
      '--pskusername',
      IDENTITY,
      '--pskkey',
      KEY_HEX,
      '--priority',
      priority,
      '127.0.0.1',
    ]);
    await c.waitFor(new RegExp(`\\(PSK\\)-\\(${cipher}\\)`));

    await c.waitFor(/extended master secret/);
    c.write('hello\n');
    await c.waitFor(/echo:hello/);
    expect(seen[0]!.identity).toEqual({ kind: 'psk', identity: IDENTITY });
  });

  it('gnutls-cli with a wrong PSK receives decrypt_error', async () => {
    const { server, port } = await echoServer({ psk: { resolvePsk: async () => KEY } });
    const c = spawn(cli, [
      '--udp',
      '-p',
      String(port),
      '--pskusername',
      IDENTITY,
      '--pskkey',
      'ff'.repeat(16),
      '--priority',
      PSK_PRIORITY,
      '127.0.0.1',
    ]);
    await c.waitFor(/Received alert \[51\]: Decrypt error/);
    expect(server.stats().sessions).toBe(0);
  });

  it('gnutls-cli ECDHE-ECDSA with X.509 certificates both ways against our server', async () => {
    const { port, seen } = await echoServer({
      certificate: { privateKey: fixtureKey('server'), certificateChain: [fixturePem('server')] },
      clientAuthentication: { trustAnchors: [fixturePem('ca')] },
    });
    const c = spawn(cli, [
      '--udp',
      '-p',
      String(port),
      '--priority',
      ECDHE_PRIORITY,
      '--x509cafile',
      fixturePath('ca', 'pem'),
      '--x509certfile',
      join(dir, 'client-chain.pem'),
      '--x509keyfile',
      fixturePath('client', 'key'),
      'localhost',
    ]);
    await c.waitFor(/\(ECDHE-SECP256R1\)-\(ECDSA-SHA256\)-\(AES-128-CCM-8\)/);
    await c.waitFor(/Handshake was completed/);
    c.write('cert\n');
    await c.waitFor(/echo:cert/);
    expect(seen[0]!.identity).toMatchObject({ kind: 'x509', commonName: 'urn:dev:client-1' });
  });

  it('gnutls-cli with raw public keys both ways against our server (RFC 7250)', async () => {
    const { port, seen } = await echoServer({
      certificate: { privateKey: fixtureKey('server') },
      clientAuthentication: { verifyRawPublicKey: async (k) => k.equals(spki('client')) },
    });
    const c = spawn(cli, [
      '--udp',
      '-p',
      String(port),
      '--priority',
      RPK_PRIORITY,
      '--rawpkkeyfile',
      join(dir, 'client-rpk.key'),
      '--rawpkfile',
      join(dir, 'client-rpk.pub'),
      '--insecure',
      '127.0.0.1',
    ]);
    await c.waitFor(/Handshake was completed/);
    c.write('rpk\n');
    await c.waitFor(/echo:rpk/);
    expect(seen[0]!.identity).toEqual({ kind: 'rpk', publicKey: spki('client') });
  });

  async function gnutlsServer(args: string[]): Promise<{ proc: PeerProcess; port: number }> {
    const port = await freeUdpPort();
    const proc = spawn(serv, ['--udp', '--echo', '-p', String(port), ...args]);
    await proc.waitFor(/(UDP|listening|Echo Server ready)/i);
    return { proc, port };
  }

  async function ourClient(credentials: DtlsClientCredentials) {
    const received: string[] = [];
    const client = new DtlsClientTransport({
      credentials,
      transport: new UdpTransport({ host: '127.0.0.1', port: 0 }),
    });
    await client.start((d) => received.push(d.toString()));
    closers.push(() => client.close());
    return { client, received };
  }

  async function echoRoundTrip(
    client: DtlsClientTransport,
    received: string[],
    port: number,
    text: string,
  ): Promise<Peer> {
    const peer = await client.connect('127.0.0.1', port);
    client.send(Buffer.from(text), peer);
    const deadline = Date.now() + 30_000;
    while (!received.join('').includes(text) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(received.join('')).toContain(text);
    return peer;
  }

  it('our PSK client against gnutls-serv (echo)', async () => {
    const { port } = await gnutlsServer(['--pskpasswd', join(dir, 'psk.passwd'), '--priority', PSK_PRIORITY]);
    const { client, received } = await ourClient({ psk: { identity: IDENTITY, key: KEY } });
    const peer = await echoRoundTrip(client, received, port, 'psk echo');
    expect(peer.identity).toEqual({ kind: 'psk', identity: IDENTITY });
  });

  it('our X.509 client against gnutls-serv requiring a client certificate', async () => {
    const { port } = await gnutlsServer([
      '--priority',
      ECDHE_PRIORITY,
      '--x509certfile',
      fixturePath('server', 'pem'),
      '--x509keyfile',
      fixturePath('server', 'key'),
      '--x509cafile',
      fixturePath('ca', 'pem'),
      '--require-client-cert',
      '--verify-client-cert',
    ]);
    const { client, received } = await ourClient({
      certificate: {
        privateKey: fixtureKey('client'),
        certificateChain: [fixturePem('client'), fixturePem('intermediate')],
        trustAnchors: [fixturePem('ca')],
        serverName: 'localhost',
      },
    });
    const peer = await echoRoundTrip(client, received, port, 'x509 echo');
    expect(peer.identity).toMatchObject({ kind: 'x509', commonName: 'localhost' });
  });

  it('our raw-public-key client against gnutls-serv (RFC 7250)', async () => {
    const { port } = await gnutlsServer([
      '--priority',
      RPK_PRIORITY,
      '--rawpkkeyfile',
      join(dir, 'server-rpk.key'),
      '--rawpkfile',
      join(dir, 'server-rpk.pub'),
    ]);
    const { client, received } = await ourClient({
      rawPublicKey: { privateKey: fixtureKey('client'), verifyServerKey: (k) => k.equals(spki('server')) },
    });
    const peer = await echoRoundTrip(client, received, port, 'rpk echo');
    expect(peer.identity).toEqual({ kind: 'rpk', publicKey: spki('server') });
  });
});
