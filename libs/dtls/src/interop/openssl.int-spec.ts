import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Peer, UdpTransport } from '@smartcity/coap';
import { type GeneratedPki, generateCertificates, PeerProcess, requireTool } from '../testing/interop';
import { freeUdpPort } from '../testing/ports';
import { DtlsClientTransport } from '../transport/dtls-client-transport';
import { DtlsServerTransport } from '../transport/dtls-server-transport';
import { type DtlsServerOptions } from '../transport/server-options';

jest.setTimeout(120_000);

const IDENTITY = 'device-1';
const KEY_HEX = '00112233445566778899aabbccddeeff';
const KEY = Buffer.from(KEY_HEX, 'hex');

/**
 * Interoperability with OpenSSL's DTLS 1.2 (an independent implementation): `openssl s_client -dtls1_2` against
 * our server, `openssl s_server -dtls1_2` against our client, for PSK (CCM_8, CBC_SHA256) and ECDHE_ECDSA with
 * X.509 client and server certificates, resumption included.
 */
describe('interop with OpenSSL', () => {
  const openssl = requireTool('openssl');
  const procs: PeerProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  let dir: string;

  let pki: GeneratedPki;
  const read = (path: string): string => readFileSync(path, 'utf8');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dtls-openssl-'));
    // A fresh PKI for this run, made by OpenSSL itself.
    pki = await generateCertificates(openssl, dir);
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill();
    for (const c of closers.splice(0)) await c();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function spawnOpenssl(args: string[]): PeerProcess {
    const p = new PeerProcess(openssl, args);
    procs.push(p);
    return p;
  }

  /** Our server on a free UDP port, echoing application data back with a prefix. */
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

  const psk = { resolvePsk: async (id: string) => (id === IDENTITY ? KEY : undefined) };

  it.each([
    ['PSK-AES128-CCM8', 'TLS_PSK_WITH_AES_128_CCM_8'],
    ['PSK-AES128-CBC-SHA256', 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  ] as const)('s_client %s against our server', async (cipher, suite) => {
    const { port, seen } = await echoServer({ psk, cipherSuites: [suite] });
    const c = spawnOpenssl([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-psk_identity',
      IDENTITY,
      '-psk',
      KEY_HEX,
      '-cipher',
      cipher,
    ]);
    await c.waitFor(new RegExp(`Cipher is ${cipher}`));
    await c.waitFor(/Extended master secret: yes/);
    c.write('hello\n');
    await c.waitFor(/echo:hello/);
    expect(seen[0]!.identity).toEqual({ kind: 'psk', identity: IDENTITY });
  });

  it('s_client with a wrong PSK gets decrypt_error and no session', async () => {
    const { server, port } = await echoServer({ psk });
    const c = spawnOpenssl([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-psk_identity',
      IDENTITY,
      '-psk',
      'ffeeddccbbaa99887766554433221100',
      '-cipher',
      'PSK-AES128-CCM8',
    ]);
    await c.waitFor(/alert decrypt error/);
    expect(server.stats().sessions).toBe(0);
  });

  it('s_client resumes its session with our server (abbreviated handshake)', async () => {
    const { port } = await echoServer({ psk });
    const sess = join(dir, 'psk.sess');
    const base = [
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-psk_identity',
      IDENTITY,
      '-psk',
      KEY_HEX,
      '-cipher',
      'PSK-AES128-CCM8',
    ];
    const first = spawnOpenssl([...base, '-sess_out', sess]);
    await first.waitFor(/Cipher is PSK-AES128-CCM8/);
    first.write('one\n');
    await first.waitFor(/echo:one/);
    await first.kill();
    const second = spawnOpenssl([...base, '-sess_in', sess]);
    await second.waitFor(/Reused, TLSv1\.2/);
    second.write('two\n');
    await second.waitFor(/echo:two/);
  });

  it('s_client ECDHE-ECDSA-AES128-CCM8 with certificates both ways against our server', async () => {
    const { port, seen } = await echoServer({
      certificate: { privateKey: read(pki.serverKey), certificateChain: [read(pki.serverCert)] },
      clientAuthentication: { trustAnchors: [read(pki.caCert)] },
    });
    const c = spawnOpenssl([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-cipher',
      'ECDHE-ECDSA-AES128-CCM8',
      '-CAfile',
      pki.caCert,
      '-verify_return_error',
      '-verify_hostname',
      'localhost',
      '-cert',
      pki.clientCert,
      '-key',
      pki.clientKey,
      '-cert_chain',
      pki.intermediateCert,
    ]);
    await c.waitFor(/Cipher is ECDHE-ECDSA-AES128-CCM8/);
    await c.waitFor(/Verify return code: 0 \(ok\)/);
    c.write('cert\n');
    await c.waitFor(/echo:cert/);
    expect(seen[0]!.identity).toMatchObject({ kind: 'x509', commonName: 'urn:dev:interop-1' });
  });

  it('s_client without a client certificate is refused by our server', async () => {
    const { server, port } = await echoServer({
      certificate: { privateKey: read(pki.serverKey), certificateChain: [read(pki.serverCert)] },
      clientAuthentication: { trustAnchors: [read(pki.caCert)] },
    });
    const c = spawnOpenssl([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-cipher',
      'ECDHE-ECDSA-AES128-CCM8',
      '-CAfile',
      pki.caCert,
    ]);
    await c.waitFor(/alert handshake failure/);
    expect(server.stats().sessions).toBe(0);
  });

  /** s_server on a free port; resolves once it listens. */
  async function sServer(args: string[]): Promise<{ proc: PeerProcess; port: number }> {
    const port = await freeUdpPort();
    const proc = spawnOpenssl(['s_server', '-dtls1_2', '-accept', String(port), ...args]);
    await proc.waitFor(/ACCEPT/);
    return { proc, port };
  }

  async function ourClient(
    options: ConstructorParameters<typeof DtlsClientTransport>[0]['credentials'],
    extra: object = {},
  ) {
    const received: string[] = [];
    const client = new DtlsClientTransport({
      credentials: options,
      transport: new UdpTransport({ host: '127.0.0.1', port: 0 }),
      ...extra,
    });
    const events: Array<{ resumed: boolean }> = [];
    client.on('sessionEstablished', (e) => events.push({ resumed: e.resumed }));
    await client.start((data) => received.push(data.toString()));
    closers.push(() => client.close());
    return { client, received, events };
  }

  it.each([
    ['with a cookie exchange (-listen)', ['-listen']],
    ['without a cookie exchange', []],
  ])('our PSK client against s_server %s, and resumption', async (_name, listen) => {
    const { proc, port } = await sServer([
      ...listen,
      '-nocert',
      '-psk',
      KEY_HEX,
      '-psk_identity',
      IDENTITY,
      '-cipher',
      'PSK-AES128-CCM8',
    ]);
    const { client, received, events } = await ourClient({ psk: { identity: IDENTITY, key: KEY } });
    const peer = await client.connect('127.0.0.1', port);
    expect(peer.identity).toEqual({ kind: 'psk', identity: IDENTITY });
    client.send(Buffer.from('ping\n'), peer);
    await proc.waitFor(/ping/);
    proc.write('pong\n');
    const deadline = Date.now() + 30_000;
    while (!received.join('').includes('pong') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(received.join('')).toContain('pong');
    expect(events).toEqual([{ resumed: false }]);
  });

  it('our client resumes with s_server after close_notify', async () => {
    const { proc, port } = await sServer([
      '-nocert',
      '-psk',
      KEY_HEX,
      '-psk_identity',
      IDENTITY,
      '-cipher',
      'PSK-AES128-CCM8',
    ]);
    const { client, events } = await ourClient({ psk: { identity: IDENTITY, key: KEY } });
    await client.connect('127.0.0.1', port);
    client.closeSession('127.0.0.1', port);
    // s_server prints DONE on close_notify (SSL_ERROR_ZERO_RETURN), then accepts again; later lines are buffered.
    await proc.waitFor(/DONE|CONNECTION CLOSED/);
    const again = await client.connect('127.0.0.1', port);
    client.send(Buffer.from('again\n'), again);
    await proc.waitFor(/again/);
    expect(events).toEqual([{ resumed: false }, { resumed: true }]);
  });

  it('our X.509 client against s_server ECDHE-ECDSA-AES128-CCM8 requiring a client certificate', async () => {
    const { proc, port } = await sServer([
      '-cert',
      pki.serverCert,
      '-key',
      pki.serverKey,
      '-cipher',
      'ECDHE-ECDSA-AES128-CCM8',
      '-CAfile',
      pki.caCert,
      '-Verify',
      '2',
      '-verify_return_error',
    ]);
    const { client } = await ourClient({
      certificate: {
        privateKey: read(pki.clientKey),
        certificateChain: [read(pki.clientChain)],
        trustAnchors: [read(pki.caCert)],
        serverName: 'localhost',
      },
    });
    const peer = await client.connect('127.0.0.1', port);
    expect(peer.identity).toMatchObject({ kind: 'x509', commonName: 'localhost' });
    client.send(Buffer.from('x509 ping\n'), peer);
    await proc.waitFor(/x509 ping/);
  });
});
