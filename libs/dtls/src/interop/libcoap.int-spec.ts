import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoapCode, parseCoapMessage, type Peer, UdpTransport } from '@smartcity/coap';
import { fixtureKey, fixturePath, fixturePem } from '../testing/fixtures';
import { coapGet, coapResponder, PeerProcess, requireTool, runTool } from '../testing/interop';
import { freeUdpPort } from '../testing/ports';
import { DtlsClientTransport } from '../transport/dtls-client-transport';
import { DtlsServerTransport } from '../transport/dtls-server-transport';

jest.setTimeout(120_000);

const IDENTITY = 'device-1';
const KEY = 'secretkey1234567';

/**
 * Interoperability with libcoap (Debian libcoap3-bin 4.3.1), a CoAP stack on two other DTLS libraries:
 * coap-client-openssl and coap-client-gnutls against a small CoAP responder on our DtlsServerTransport
 * (PSK, X.509, raw public key), and our DtlsClientTransport against coap-server-openssl.
 */
describe('interop with libcoap', () => {
  const clients = { openssl: requireTool('coap-client-openssl'), gnutls: requireTool('coap-client-gnutls') };
  const coapServer = requireTool('coap-server-openssl');
  const closers: Array<() => Promise<void>> = [];
  const procs: PeerProcess[] = [];
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dtls-libcoap-'));
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill();
    for (const c of closers.splice(0)) await c();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const clientSpki = createPublicKey(createPrivateKey(fixtureKey('client'))).export({
    type: 'spki',
    format: 'der',
  });

  async function coapsServer(): Promise<{ port: number; seen: Peer[] }> {
    const server = new DtlsServerTransport({
      transport: new UdpTransport({ host: '127.0.0.1', port: 0 }),
      psk: { resolvePsk: async (id) => (id === IDENTITY ? Buffer.from(KEY) : undefined) },
      certificate: { privateKey: fixtureKey('server'), certificateChain: [fixturePem('server')] },
      clientAuthentication: {
        // libcoap's OpenSSL flavour sends only the leaf, not the chain in its -c file: trust the issuing CA too.
        trustAnchors: [fixturePem('ca'), fixturePem('intermediate')],
        verifyRawPublicKey: async (spki) => spki.equals(clientSpki),
      },
    });
    const seen: Peer[] = [];
    await server.start(
      coapResponder(
        (d, p) => server.send(d, p),
        (peer) => {
          seen.push(peer);
          const id = peer.identity;
          return `hello ${id?.kind === 'psk' ? id.identity : id?.kind === 'x509' ? id.commonName : id?.kind}`;
        },
      ),
    );
    closers.push(() => server.close());
    return { port: server.localAddress().port, seen };
  }

  it.each(['openssl', 'gnutls'] as const)('coap-client-%s GETs over PSK', async (flavour) => {
    const { port, seen } = await coapsServer();
    const r = await runTool(clients[flavour], [
      '-B',
      '20',
      '-u',
      IDENTITY,
      '-k',
      KEY,
      `coaps://127.0.0.1:${port}/test`,
    ]);
    expect(r.output).toContain(`hello ${IDENTITY}`);
    expect(seen[0]!.identity).toEqual({ kind: 'psk', identity: IDENTITY });
  });

  it.each(['openssl', 'gnutls'] as const)(
    'coap-client-%s GETs with an X.509 client certificate',
    async (flavour) => {
      const { port, seen } = await coapsServer();
      const chainFile = join(dir, `client-chain-${flavour}.pem`);
      writeFileSync(chainFile, fixturePem('client') + fixturePem('intermediate'));
      const r = await runTool(clients[flavour], [
        '-B',
        '20',
        '-c',
        chainFile,
        '-j',
        fixturePath('client', 'key'),
        '-C',
        fixturePath('ca', 'pem'),
        `coaps://127.0.0.1:${port}/test`,
      ]);
      expect(r.output).toContain('hello urn:dev:client-1');
      expect(seen[0]!.identity).toMatchObject({ kind: 'x509', commonName: 'urn:dev:client-1' });
    },
  );

  it('coap-client-gnutls GETs with a raw public key (RFC 7250)', async () => {
    const { port, seen } = await coapsServer();
    // libcoap's GnuTLS flavour reads an "EC PRIVATE KEY" (SEC1) PEM for -M.
    const rpkFile = join(dir, 'client-rpk.pem');
    writeFileSync(rpkFile, createPrivateKey(fixtureKey('client')).export({ type: 'sec1', format: 'pem' }));
    const r = await runTool(clients.gnutls, ['-B', '20', '-M', rpkFile, `coaps://127.0.0.1:${port}/test`]);
    expect(r.output).toContain('hello rpk');
    expect(seen[0]!.identity).toEqual({ kind: 'rpk', publicKey: clientSpki });
  });

  it('coap-client-openssl with a wrong key gets no answer and no session', async () => {
    const { port, seen } = await coapsServer();
    const r = await runTool(clients.openssl, [
      '-B',
      '5',
      '-u',
      IDENTITY,
      '-k',
      'wrongwrongwrong!',
      `coaps://127.0.0.1:${port}/test`,
    ]);
    expect(r.output).not.toContain('hello');
    expect(seen).toHaveLength(0);
  });

  /** A UDP port p with p+1 free too: coap-server listens for coaps on port+1. */
  async function portPair(): Promise<number> {
    for (;;) {
      const p = await freeUdpPort();
      if (p < 65_000) {
        const probe = new UdpTransport({ host: '127.0.0.1', port: p + 1 });
        try {
          await probe.start(() => undefined);
          await probe.close();
          return p;
        } catch {
          // taken: try another
        }
      }
    }
  }

  it('our PSK client GETs from coap-server-openssl', async () => {
    const port = await portPair();
    const proc = new PeerProcess(coapServer, ['-v', '7', '-A', '127.0.0.1', '-p', String(port), '-k', KEY]);
    procs.push(proc);
    await new Promise((r) => setTimeout(r, 1000));
    const received: Buffer[] = [];
    const client = new DtlsClientTransport({
      transport: new UdpTransport({ host: '127.0.0.1', port: 0 }),
      credentials: { psk: { identity: IDENTITY, key: Buffer.from(KEY) } },
    });
    await client.start((d) => received.push(d));
    closers.push(() => client.close());
    const peer = await client.connect('127.0.0.1', port + 1);
    client.send(coapGet([]), peer);
    const deadline = Date.now() + 30_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(received.length).toBeGreaterThan(0);
    const response = parseCoapMessage(received[0]!);
    expect(response.code).toBe(CoapCode.Content);
    expect(response.payload.toString('latin1')).toContain('libcoap');
  });
});
