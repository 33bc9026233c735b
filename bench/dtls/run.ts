/**
 * DTLS figures: `npm run bench:dtls [-- <handshakes> <sessions>]`. In one process over an in-process network
 * (bench/dtls/direct-network.ts), so they measure protocol and crypto cost, not sockets:
 *  - full handshakes/s: PSK_WITH_AES_128_CCM_8, ECDHE_ECDSA_WITH_AES_128_CCM_8 with raw public keys (both sides'
 *    work: one process plays client and server);
 *  - resumed (abbreviated) handshakes/s;
 *  - records/s: seal + open of 100-byte application records (CCM_8, CBC_SHA256, CCM_8 with a CID);
 *  - server heap per established session with N sessions (run with --expose-gc, as the npm script does).
 * Not a test: figures depend on the machine and its load, printed alongside.
 */
import { loadavg } from 'node:os';
import { DtlsClientTransport, DtlsServerTransport } from '@smartcity/dtls';
import { AesCbcHmacSha256Protection } from '../../libs/dtls/src/crypto/aes-cbc-hmac-sha256';
import { AesCcm8Protection } from '../../libs/dtls/src/crypto/aes-ccm8';
import { parseDatagram } from '../../libs/dtls/src/record/record';
import { RecordLayer } from '../../libs/dtls/src/record/record-layer';
import { type RecordProtection } from '../../libs/dtls/src/record/record-protection';
import { fixtureKey } from '../../libs/dtls/src/testing/fixtures';
import { DirectNetwork } from './direct-network';

const HANDSHAKES = Number(process.argv[2] ?? 1000);
const SESSIONS = Number(process.argv[3] ?? 10_000);
const CONCURRENCY = 20;
const SERVER = { address: '10.0.0.1', port: 5684 };
const KEY = Buffer.alloc(16, 7);

type Credentials = ConstructorParameters<typeof DtlsClientTransport>[0]['credentials'];

function newServer(net: DirectNetwork, finalFlightRetentionMs = 60_000): DtlsServerTransport {
  return new DtlsServerTransport({
    transport: net.endpoint(SERVER.address, SERVER.port),
    psk: { resolvePsk: async () => KEY },
    certificate: { privateKey: fixtureKey('server') },
    clientAuthentication: { verifyRawPublicKey: async () => true },
    limits: {
      maxHandshakes: 10_000,
      maxHandshakesPerAddress: 10_000,
      handshakeBurstPerAddress: 1e9,
      handshakesPerSecondPerAddress: 1e9,
      finalFlightRetentionMs,
    },
  });
}

interface Rate {
  /** Per second of wall time (depends on what else the machine runs). */
  readonly wall: number;
  /** Per second of this process's CPU time (client and server work together). */
  readonly cpu: number;
}

/** Runs `count` handshakes, `CONCURRENCY` at a time, each from its own client port. */
async function handshakes(count: number, credentials: Credentials, resume: boolean): Promise<Rate> {
  const net = new DirectNetwork();
  const server = newServer(net);
  await server.start(() => undefined);
  const clients: DtlsClientTransport[] = [];
  for (let i = 0; i < Math.min(count, CONCURRENCY); i++) {
    const c = new DtlsClientTransport({ transport: net.endpoint('10.0.1.1', 20000 + i), credentials });
    await c.start(() => undefined);
    clients.push(c);
  }
  if (resume) {
    // One full handshake per client first; the measured ones resume it.
    await Promise.all(clients.map((c) => c.connect(SERVER.address, SERVER.port)));
    clients.forEach((c) => c.closeSession(SERVER.address, SERVER.port));
    await new Promise((r) => setTimeout(r, 20));
  }
  let started = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    clients.map(async (c) => {
      while (started < count) {
        started++;
        await c.connect(SERVER.address, SERVER.port);
        c.closeSession(SERVER.address, SERVER.port);
        if (!resume) c.forgetSession(SERVER.address, SERVER.port);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  for (const c of clients) await c.close();
  await server.close();
  return { wall: count / seconds, cpu: count / ((cpu.user + cpu.system) / 1e6) };
}

function recordsPerSecond(protection: () => [RecordProtection, RecordProtection], cid?: Buffer): number {
  const [a, b] = protection();
  const writer = new RecordLayer();
  const reader = new RecordLayer();
  writer.install(1, a);
  reader.install(1, b);
  writer.switchWriteEpoch(1);
  writer.sendCid = cid;
  reader.receiveCid = cid;
  const payload = Buffer.alloc(100, 0x42);
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const record = parseDatagram(writer.seal(23, payload), cid?.length ?? 0).records[0]!;
      const opened = reader.open(record);
      if (!opened.ok) throw new Error('bench record did not open');
      reader.accept(record.epoch, record.sequence);
    }
  };
  run(2000);
  const n = 50_000;
  const t0 = process.hrtime.bigint();
  run(n);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function heapPerSession(count: number): Promise<{ bytes: number; sessions: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const net = new DirectNetwork();
  // Final flights released at once: the figure is the steady state of an established session.
  const server = newServer(net, 0);
  await server.start(() => undefined);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const batch = 200;
  for (let done = 0; done < count; done += batch) {
    const clients: DtlsClientTransport[] = [];
    for (let i = 0; i < Math.min(batch, count - done); i++) {
      const n = done + i;
      const c = new DtlsClientTransport({
        transport: net.endpoint(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, 30000),
        credentials: { psk: { identity: `device-${n}`, key: KEY } },
      });
      await c.start(() => undefined);
      clients.push(c);
    }
    await Promise.all(clients.map((c) => c.connect(SERVER.address, SERVER.port)));
    // Let the server's final flights go, then cut the clients off without close_notify: only server state stays.
    await new Promise((r) => setTimeout(r, 5));
    net.blackhole = true;
    for (const c of clients) await c.close();
    net.blackhole = false;
  }
  // The final flights are kept for finalFlightRetentionMs; measure after they are released.
  server.sweep();
  gc?.();
  const sessions = server.stats().sessions;
  const bytes = (process.memoryUsage().heapUsed - before) / sessions;
  await server.close();
  return { bytes, sessions };
}

async function main(): Promise<void> {
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const fmt = (n: number): string => n.toFixed(0).padStart(8);
  process.stdout.write(`DTLS 1.2 bench, node ${process.version}, load average ${load()}\n`);
  const psk: Credentials = { psk: { identity: 'device-1', key: KEY } };
  const rpk: Credentials = {
    rawPublicKey: { privateKey: fixtureKey('client'), verifyServerKey: () => true },
  };
  const rate = (r: Rate): string => `${fmt(r.wall)} /s wall ${fmt(r.cpu)} /s per CPU-second (client+server)`;
  process.stdout.write(
    `full handshakes     PSK_WITH_AES_128_CCM_8         ${rate(await handshakes(HANDSHAKES, psk, false))}\n`,
  );
  process.stdout.write(
    `full handshakes     ECDHE_ECDSA_AES_128_CCM_8 RPK  ${rate(await handshakes(HANDSHAKES / 2, rpk, false))}\n`,
  );
  process.stdout.write(
    `resumed handshakes  PSK                            ${rate(await handshakes(HANDSHAKES, psk, true))}\n`,
  );
  process.stdout.write(
    `resumed handshakes  ECDHE RPK                      ${rate(await handshakes(HANDSHAKES, rpk, true))}\n`,
  );
  const k = (n: number): Buffer => Buffer.alloc(16, n);
  const iv = Buffer.alloc(4, 1);
  const ccm = (): [RecordProtection, RecordProtection] => [
    new AesCcm8Protection(k(1), iv, k(2), iv),
    new AesCcm8Protection(k(2), iv, k(1), iv),
  ];
  const mac = (n: number): Buffer => Buffer.alloc(32, n);
  const rnd = (n: number): Buffer => Buffer.alloc(n, 9);
  const cbc = (): [RecordProtection, RecordProtection] => [
    new AesCbcHmacSha256Protection(mac(1), k(1), mac(2), k(2), rnd),
    new AesCbcHmacSha256Protection(mac(2), k(2), mac(1), k(1), rnd),
  ];
  process.stdout.write(`records/s seal+open 100 B  CCM_8             ${fmt(recordsPerSecond(ccm))}\n`);
  process.stdout.write(
    `records/s seal+open 100 B  CCM_8 + 8-byte CID ${fmt(recordsPerSecond(ccm, Buffer.alloc(8, 3)))}\n`,
  );
  process.stdout.write(`records/s seal+open 100 B  CBC_SHA256        ${fmt(recordsPerSecond(cbc))}\n`);
  const mem = await heapPerSession(SESSIONS);
  const gcNote = (globalThis as { gc?: () => void }).gc ? '' : ' (no --expose-gc: rough)';
  process.stdout.write(
    `server heap per session with ${mem.sessions} sessions: ${(mem.bytes / 1024).toFixed(2)} KiB${gcNote}\n`,
  );
  process.stdout.write(`load average after: ${load()}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`FAILED: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
