/**
 * The DTLS side of the Leshan client harness (Scandium 3.12) against independent DTLS servers: Debian's libcoap
 * 4.3.1 `coap-server-openssl` (PSK, X.509) and `coap-server-gnutls` (RPK). libcoap is no LwM2M server: it answers
 * the Register with 4.04, which proves that the CoAP request went through the DTLS session and back. The same
 * harness options (`security`, `connectionId`) point the client at our ingest once it speaks DTLS.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from '../../bench/pipeline/ports';
import {
  LeshanClientPeer,
  type LeshanSecurity,
  type LeshanStartOptions,
} from './leshan-client/leshan-client';

jest.setTimeout(90_000);
// Scandium retransmits a flight after 2, 4, 8, 16 s: on a loaded 2-core machine a lost first flight needs > 20 s.
const HANDSHAKE_MS = 45_000;

const DEVICE = [
  { id: 3, version: '1.1', instances: [{ id: 0, resources: { 0: 'Eclipse Leshan', 16: 'U' } }] },
];

interface Libcoap {
  /** The DTLS port (libcoap listens on port + 1 for DTLS). */
  readonly coapsPort: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts a libcoap server and waits until its plain CoAP port answers a CoAP ping (RFC 7252 §4.3) with a Reset. */
async function startLibcoap(binary: string, args: readonly string[]): Promise<Libcoap> {
  const port = await freeUdpPort();
  let output = '';
  const child: ChildProcess = spawn(binary, ['-A', '127.0.0.1', '-p', String(port), '-v', '4', ...args]);
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const socket = createSocket('udp4');
  try {
    const answered = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`${binary} exited: ${output}`);
      socket.send(Buffer.from([0x40, 0x00, 0x12, i & 0xff]), port, '127.0.0.1');
      let timer: NodeJS.Timeout | undefined;
      const ok = await Promise.race([
        answered.then(() => true),
        new Promise((r) => (timer = setTimeout(r, 200, false))),
      ]);
      clearTimeout(timer);
      if (ok) break;
      if (i > 100) throw new Error(`${binary} did not answer on ${port}: ${output}`);
    }
  } finally {
    socket.close();
  }
  return {
    coapsPort: port + 1,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An EC P-256 CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makePki(
  dir: string,
): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=interop-ca');
  for (const [name, subject, ext] of [
    ['server', '/CN=libcoap-server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n'],
    ['client', '/CN=leshan-client', 'extendedKeyUsage=clientAuth,serverAuth\n'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  }
  const file = (f: string) => join(dir, f);
  return {
    ca: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  };
}

describe('Leshan client harness over DTLS, against libcoap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leshan-dtls-'));
  let pki: ReturnType<typeof makePki>;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(() => {
    pki = makePki(dir);
  });

  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts a Leshan client against `server` and waits for its first registration outcome. */
  const connect = async (
    server: Libcoap,
    security: LeshanSecurity,
    extra: Partial<LeshanStartOptions> = {},
  ): Promise<LeshanClientPeer> => {
    const leshan = await LeshanClientPeer.launch();
    running.push(leshan);
    await leshan.start({
      endpoint: 'leshan-dtls',
      serverUri: `coaps://127.0.0.1:${server.coapsPort}`,
      objects: DEVICE,
      models: [],
      security,
      retryWaitMs: 600_000,
      ...extra,
    });
    return leshan;
  };
  const psk = (key: string): LeshanSecurity => ({
    mode: 'psk',
    identity: 'leshan-dtls',
    key: Buffer.from(key),
  });

  it('completes a PSK handshake (RFC 4279) and carries the Register through it', async () => {
    const server = await startLibcoap('coap-server-openssl', ['-k', 'secretPSK', '-h', 'interop']);
    running.push(server);
    const leshan = await connect(server, psk('secretPSK'));
    const ok = await leshan.waitFor('dtls-handshake-ok', { from: 0, timeoutMs: HANDSHAKE_MS });
    expect(String(ok['cipherSuite'])).toMatch(/^TLS_PSK_WITH_AES_128_/);
    expect(ok).toMatchObject({ full: true, cidWrite: null });
    // libcoap has no /rd: its 4.04 came back through the DTLS session.
    expect(await leshan.waitFor('registration-failed', { from: 0 })).toMatchObject({ code: '4.04' });
  });

  it('offers an RFC 9146 connection ID and still interoperates with a server that does not negotiate it', async () => {
    const server = await startLibcoap('coap-server-openssl', ['-k', 'secretPSK']);
    running.push(server);
    const leshan = await connect(server, psk('secretPSK'), { connectionId: true });
    // OpenSSL has no RFC 9146 (openssl/openssl#18724): no CID in either direction.
    expect(await leshan.waitFor('dtls-handshake-ok', { from: 0, timeoutMs: HANDSHAKE_MS })).toMatchObject({
      cidWrite: null,
      cidRead: null,
    });
    expect(await leshan.waitFor('registration-failed', { from: 0 })).toMatchObject({ code: '4.04' });
  });

  it('reports a failed handshake when the PSK does not match', async () => {
    const server = await startLibcoap('coap-server-openssl', ['-k', 'secretPSK']);
    running.push(server);
    const leshan = await connect(server, psk('wrong-key'), {
      dtlsRetransmissionMs: 500,
      dtlsMaxRetransmissions: 2,
    });
    // OpenSSL drops the Finished it cannot verify: the client's flight times out.
    const failed = await leshan.waitFor('dtls-handshake-failed', { from: 0, timeoutMs: 30_000 });
    expect(String(failed['error'])).toMatch(/timeout/i);
    expect(leshan.since(0, 'dtls-handshake-ok')).toEqual([]);
  });

  it('completes an X.509 handshake (certificate usage 3, domain-issued certificate)', async () => {
    const server = await startLibcoap('coap-server-openssl', [
      '-c',
      pki.serverCert,
      '-j',
      pki.serverKey,
      '-C',
      pki.ca,
    ]);
    running.push(server);
    const leshan = await connect(server, {
      mode: 'x509',
      clientCertificate: readFileSync(pki.clientCert, 'utf8'),
      clientPrivateKey: readFileSync(pki.clientKey, 'utf8'),
      serverCertificate: readFileSync(pki.serverCert, 'utf8'),
    });
    const ok = await leshan.waitFor('dtls-handshake-ok', { from: 0, timeoutMs: HANDSHAKE_MS });
    expect(String(ok['cipherSuite'])).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
    expect(await leshan.waitFor('registration-failed', { from: 0 })).toMatchObject({ code: '4.04' });
  });

  it('refuses a server whose certificate is not the expected one, with an alert', async () => {
    const server = await startLibcoap('coap-server-openssl', [
      '-c',
      pki.serverCert,
      '-j',
      pki.serverKey,
      '-C',
      pki.ca,
    ]);
    running.push(server);
    const leshan = await connect(server, {
      mode: 'x509',
      clientCertificate: readFileSync(pki.clientCert, 'utf8'),
      clientPrivateKey: readFileSync(pki.clientKey, 'utf8'),
      serverCertificate: readFileSync(pki.clientCert, 'utf8'), // not the server's
    });
    const failed = await leshan.waitFor('dtls-handshake-failed', { from: 0 });
    expect(failed['alert']).toMatchObject({ level: 'fatal' });
  });

  it('completes a raw public key handshake (RFC 7250) with GnuTLS', async () => {
    const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rpkFile = join(dir, 'server-rpk.pem');
    writeFileSync(rpkFile, server.privateKey.export({ type: 'sec1', format: 'pem' }));
    const libcoap = await startLibcoap('coap-server-gnutls', ['-M', rpkFile]);
    running.push(libcoap);
    const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const leshan = await connect(libcoap, {
      mode: 'rpk',
      clientPrivateKey: client.privateKey,
      serverPublicKey: server.publicKey,
    });
    const ok = await leshan.waitFor('dtls-handshake-ok', { from: 0, timeoutMs: HANDSHAKE_MS });
    expect(String(ok['cipherSuite'])).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
    expect(await leshan.waitFor('registration-failed', { from: 0 })).toMatchObject({ code: '4.04' });
  });
});
