/**
 * `npm run bench:ingest`: CON Send requests/s handled by ONE ingest process with Kafka acknowledgement
 * (acks=all), p50/p99 latency, Registers/s (each acknowledged after its registration event is on Kafka) with
 * p50/p99, and memory per registration with 10,000 registered endpoints.
 * The ingest runs in a child process (so its memory is measured alone); this process plays the devices
 * over real UDP on loopback. Uses the local stack (Kafka, Redis, PostgreSQL) with a throw-away tenant, topic
 * and Redis prefix. Env: BENCH_ENDPOINTS (10000), BENCH_SECONDS (10), BENCH_WINDOW (outstanding CONs, 256),
 * BENCH_REGISTER_WINDOW (outstanding Registers, 256), BENCH_OPEN_SOCKETS (device sockets kept open, 10000).
 * `-- --dtls` adds the coaps figures (see dtls-phase.ts), BENCH_DTLS_ENDPOINTS (10000) devices with a PSK each.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { Pool } from 'pg';
import { runDtlsPhase } from './dtls-phase';
import { parseCoapMessage, serializeCoapMessage } from '@smartcity/coap';
import { CoapCode, CoapOption, CoapType, encodeUint, stringOptions } from '@smartcity/coap';

const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 256);
const REGISTER_WINDOW = Number(process.env.BENCH_REGISTER_WINDOW ?? 256);
const OPEN_SOCKETS = Number(process.env.BENCH_OPEN_SOCKETS ?? 10_000);
/** `--dtls`: also measure coaps (BENCH_DTLS_ENDPOINTS devices, default 10,000). */
const DTLS = process.argv.includes('--dtls');
const DTLS_ENDPOINTS = Number(process.env.BENCH_DTLS_ENDPOINTS ?? 10_000);
const run = randomBytes(4).toString('hex');
const tenant = `bench-${run}`;
const owner = new Pool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
});

interface Child {
  proc: ChildProcess;
  ask(cmd: string): Promise<Record<string, number>>;
}

async function startIngest(): Promise<Child & { port: number; coapsPort: number }> {
  const proc = fork(join(__dirname, 'ingest-child.ts'), [], {
    execArgv: [
      '-r',
      join(__dirname, '../../tools/register.js'),
      '--expose-gc',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/ingest-prof'] : []),
    ],
    env: {
      ...process.env,
      COAP_HOST: '127.0.0.1',
      COAP_PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      KAFKA_UPLINK_TOPIC: `bench.ingest.${run}.uplink`,
      KAFKA_UPLINK_PARTITIONS: '12',
      REDIS_KEY_PREFIX: `bench:ingest:${run}:`,
      RATE_ENDPOINT_PER_S: '0',
      RATE_ADDRESS_PER_S: '0', // every simulated device shares 127.0.0.1
      COAPS_PORT: '0',
      COAPS_MAX_HANDSHAKES: '10000',
      COAPS_MAX_HANDSHAKES_PER_ADDRESS: '10000',
      COAPS_HANDSHAKES_PER_ADDRESS_PER_S: '1000000',
      COAPS_HANDSHAKE_BURST_PER_ADDRESS: '1000000',
      RATE_TENANT_PER_S: '0',
      INSTANCE_ID: `bench-${run}`,
    },
  });
  const waiters: ((m: Record<string, number>) => void)[] = [];
  proc.on('message', (m) => waiters.shift()?.(m as Record<string, number>));
  const ask = (cmd: string) =>
    new Promise<Record<string, number>>((resolve) => {
      waiters.push(resolve);
      proc.send(cmd);
    });
  const ready = await new Promise<Record<string, number>>((resolve) => waiters.push(resolve));
  return { proc, ask, port: ready.port!, coapsPort: ready.coapsPort! };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  await owner.query(
    'INSERT INTO tenants (id, name, auto_provision, auto_provision_prefix, allow_nosec) VALUES ($1, $1, true, $2, true)',
    [tenant, `${tenant}-`],
  );
  // The benchmark measures the ingest beyond any plan's message quota (enterprise: 20,000/s).
  await owner.query(
    'INSERT INTO tenant_quotas (tenant_id, max_messages_per_second, message_burst) VALUES ($1, 1000000, 1000000)',
    [tenant],
  );
  await owner.query(
    'INSERT INTO devices (tenant_id, endpoint, name) SELECT $1, $2 || g, $2 || g FROM generate_series(1, $3) g',
    [tenant, `${tenant}-`, ENDPOINTS],
  );
  const ingest = await startIngest();
  try {
    const before = await ingest.ask('memory');
    // ---- one UDP socket (address) per endpoint. A process has too few descriptors for 100,000 sockets, so beyond
    // OPEN_SOCKETS each device registers from a socket of its own loopback address (127.1.x.y: distinct addresses,
    // as devices behind different NATs) that closes once answered; the Send phase uses the first OPEN_SOCKETS.
    const open = Math.min(ENDPOINTS, OPEN_SOCKETS);
    const bind = (address: string) => {
      const s = createSocket('udp4');
      return new Promise<typeof s>((r) => s.bind(0, address, () => r(s)));
    };
    const sockets = await Promise.all(Array.from({ length: open }, () => bind('127.0.0.1')));
    let mid = 0;
    const pending = new Map<string, (code: number) => void>();
    const listen = (s: (typeof sockets)[number], i: number) =>
      s.on('message', (data) => {
        // Anything but a CoAP message (a stray datagram on a reused loopback port) is not an answer.
        let m: ReturnType<typeof parseCoapMessage>;
        try {
          m = parseCoapMessage(data);
        } catch {
          return;
        }
        const key = `${i}#${m.messageId}`;
        pending.get(key)?.(m.code);
        pending.delete(key);
      });
    sockets.forEach(listen);
    const request = async (
      i: number,
      code: number,
      path: string[],
      query: string[],
      payload: Buffer,
      cf?: number,
    ) => {
      const j = i - open + 1;
      const ephemeral =
        i < open ? undefined : listen(await bind(`127.${1 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`), i);
      const s = ephemeral ?? sockets[i]!;
      const messageId = (mid = (mid + 1) & 0xffff);
      const bytes = serializeCoapMessage({
        type: CoapType.Confirmable,
        code,
        messageId,
        token: Buffer.from([i & 0xff, (i >> 8) & 0xff]),
        options: [
          ...stringOptions(CoapOption.UriPath, path),
          ...stringOptions(CoapOption.UriQuery, query),
          ...(cf !== undefined ? [{ number: CoapOption.ContentFormat, value: encodeUint(cf) }] : []),
        ],
        payload,
      });
      const answered = await new Promise<number>((resolve) => {
        const key = `${i}#${messageId}`;
        const timer = setTimeout(() => {
          pending.delete(key);
          resolve(-1);
        }, 5000);
        pending.set(key, (c) => {
          clearTimeout(timer);
          resolve(c);
        });
        s.send(bytes, ingest.port, '127.0.0.1');
      });
      ephemeral?.close();
      return answered;
    };
    const links = Buffer.from('</1/0>,</3/0>,</3303/0>,</3410/0>');
    // ---- Register storm: REGISTER_WINDOW outstanding Registers (a power cut brings every device back at once)
    const registerLatencies: number[] = [];
    let registered = 0;
    let nextRegister = 0;
    const registerStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: Math.min(REGISTER_WINDOW, ENDPOINTS) }, async () => {
        for (let i = nextRegister++; i < ENDPOINTS; i = nextRegister++) {
          const t = process.hrtime.bigint();
          const code = await request(
            i,
            CoapCode.POST,
            ['rd'],
            [`ep=${tenant}-${i + 1}`, 'lt=3600', 'lwm2m=1.1'],
            links,
          );
          if (code !== CoapCode.Created) continue;
          registered++;
          registerLatencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
      }),
    );
    const registerElapsed = Number(process.hrtime.bigint() - registerStarted) / 1e9;
    registerLatencies.sort((a, b) => a - b);
    const after = await ingest.ask('memory');
    const perRegistration = (after.heapUsed! - before.heapUsed!) / registered;

    // ---- CON Send load: WINDOW outstanding requests spread over the endpoints, for SECONDS
    const payload = Buffer.from(JSON.stringify([{ bn: '/3303/0/', n: '5700', v: 21.5 }]));
    const latencies: number[] = [];
    let ok = 0;
    let failed = 0;
    const until = Date.now() + SECONDS * 1000;
    let next = 0;
    const worker = async () => {
      while (Date.now() < until) {
        const i = next++ % Math.min(registered, open);
        const t = process.hrtime.bigint();
        const code = await request(i, CoapCode.POST, ['dp'], [], payload, 110);
        if (code === CoapCode.Changed) {
          ok++;
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        } else failed++;
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: WINDOW }, worker));
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const stats = await ingest.ask('stats');
    console.log(
      'coap-ingest benchmark (one ingest process, loopback UDP, Kafka acks=all, 2-core machine shared with the clients and the broker)',
    );
    console.log(`  registrations:            ${registered}/${ENDPOINTS}`);
    console.log(
      `  Registers/s:              ${(registered / registerElapsed).toFixed(0)} acknowledged 2.01 (${registered} in ${registerElapsed.toFixed(1)} s, window ${REGISTER_WINDOW}, p50 ${percentile(registerLatencies, 50).toFixed(2)} ms, p99 ${percentile(registerLatencies, 99).toFixed(2)} ms)`,
    );
    console.log(
      `  memory per registration:  ${(perRegistration / 1024).toFixed(2)} KiB heap (heapUsed ${(before.heapUsed! / 1048576).toFixed(1)} -> ${(after.heapUsed! / 1048576).toFixed(1)} MiB, rss ${(after.rss! / 1048576).toFixed(0)} MiB)`,
    );
    console.log(
      `  CON Send requests/s:      ${(ok / elapsed).toFixed(0)} acknowledged 2.04 (${ok} in ${elapsed.toFixed(1)} s, ${failed} failed/timeouts, window ${WINDOW})`,
    );
    console.log(
      `  latency p50 / p99:        ${percentile(latencies, 50).toFixed(2)} ms / ${percentile(latencies, 99).toFixed(2)} ms`,
    );
    console.log(
      `  uplinks published:        ${stats.uplinks} (kafka produce requests ${stats.kafkaRequests}, mean batch ${(stats.uplinks! / Math.max(1, stats.kafkaRequests!)).toFixed(1)})`,
    );
    for (const s of sockets) s.close();
    if (DTLS) {
      const d = await runDtlsPhase({
        owner,
        tenant,
        run,
        coapsPort: ingest.coapsPort,
        endpoints: DTLS_ENDPOINTS,
        seconds: SECONDS,
        window: WINDOW,
        memory: async () => ({ heapUsed: (await ingest.ask('memory')).heapUsed! }),
      });
      const plain = ok / elapsed;
      console.log('  over DTLS 1.2 (coaps, TLS_PSK_WITH_AES_128_CCM_8, one UDP socket per device):');
      console.log(
        `    full handshakes/s:      ${d.fullHandshakesPerS.toFixed(0)} (${d.sessions}/${DTLS_ENDPOINTS} sessions, 64 at a time)`,
      );
      console.log(
        `    memory per session:     ${(d.bytesPerSession / 1024).toFixed(2)} KiB heap with ${d.sessions} sessions`,
      );
      console.log(`    registrations:          ${d.registered}/${DTLS_ENDPOINTS}`);
      console.log(
        `    CON Send requests/s:    ${d.sendsPerS.toFixed(0)} (p50 ${d.sendP50Ms.toFixed(2)} ms, p99 ${d.sendP99Ms.toFixed(2)} ms) = ${((100 * d.sendsPerS) / plain).toFixed(0)} % of plain UDP in this run`,
      );
      console.log(
        `    resumed handshakes/s:   ${d.resumedHandshakesPerS.toFixed(0)} (abbreviated, RFC 5246 §7.3)`,
      );
      console.log(`    failed/timeouts:        ${d.failed}`);
    }
  } finally {
    await ingest.ask('stop');
    await new Promise((r) => {
      ingest.proc.once('exit', r);
      setTimeout(r, 5000);
    });
    ingest.proc.kill();
    await owner.query('DELETE FROM tenants WHERE id = $1', [tenant]);
    await owner.end();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
