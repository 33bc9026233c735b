/**
 * The `--dtls` part of `npm run bench:ingest`: the same ingest process over coaps (DTLS 1.2, PSK with
 * AES_128_CCM_8). Full handshakes/s, memory per session with every session established, registrations and
 * CON Sends/s over DTLS (beside the plain-UDP figure of the same run), and resumed (abbreviated) handshakes/s.
 */
import { createHash } from 'node:crypto';
import {
  CoapCode,
  CoapOption,
  CoapType,
  parseCoapMessage,
  type Peer,
  serializeCoapMessage,
  stringOptions,
  UdpTransport,
  udpPeer,
  uintOption,
} from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { LOCAL_STACK } from '@smartcity/platform-config';
import { CredentialKeyring } from '@smartcity/platform-db';
import { type Pool } from 'pg';

export interface DtlsPhaseInput {
  readonly owner: Pool;
  readonly tenant: string;
  readonly run: string;
  readonly coapsPort: number;
  readonly endpoints: number;
  readonly seconds: number;
  readonly window: number;
  readonly memory: () => Promise<{ heapUsed: number }>;
}

export interface DtlsPhaseResult {
  readonly sessions: number;
  readonly fullHandshakesPerS: number;
  readonly bytesPerSession: number;
  readonly registered: number;
  readonly sendsPerS: number;
  readonly sendP50Ms: number;
  readonly sendP99Ms: number;
  readonly resumedHandshakesPerS: number;
  readonly failed: number;
}

const key = (run: string, i: number) => createHash('sha256').update(`${run}:${i}`).digest().subarray(0, 16);

/** Devices with a PSK each (identity = endpoint), sealed as the CLI would seal them. */
async function provision(owner: Pool, tenant: string, run: string, n: number): Promise<string[]> {
  const ring = new CredentialKeyring(LOCAL_STACK.credentialKeys);
  const endpoints = Array.from({ length: n }, (_, i) => `${tenant}-dtls-${i + 1}`);
  for (let start = 0; start < n; start += 1000) {
    const batch = endpoints.slice(start, start + 1000);
    const { rows } = await owner.query<{ id: string; endpoint: string }>(
      'INSERT INTO devices (tenant_id, endpoint, name) SELECT $1, e, e FROM unnest($2::text[]) e RETURNING id, endpoint',
      [tenant, batch],
    );
    const sealed = rows.map((r) => ring.seal(key(run, endpoints.indexOf(r.endpoint)), r.id));
    await owner.query(
      `INSERT INTO device_credentials (tenant_id, device_id, mode, psk_identity, psk_key_sealed, key_id)
       SELECT $1, d, 'psk', i, s, k FROM unnest($2::uuid[], $3::text[], $4::bytea[], $5::text[]) AS t(d, i, s, k)`,
      [
        tenant,
        rows.map((r) => r.id),
        rows.map((r) => r.endpoint),
        sealed.map((s) => s.sealed),
        sealed.map((s) => s.keyId),
      ],
    );
  }
  return endpoints;
}

async function inWindows<T>(n: number, window: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, n) }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await task(i);
    }),
  );
  return out;
}

export async function runDtlsPhase(input: DtlsPhaseInput): Promise<DtlsPhaseResult> {
  const endpoints = await provision(input.owner, input.tenant, input.run, input.endpoints);
  const server: Peer = udpPeer('127.0.0.1', input.coapsPort);
  const pending = new Map<string, (code: number) => void>();
  const clients = await Promise.all(
    endpoints.map(async (endpoint, i) => {
      const client = new DtlsClientTransport({
        transport: new UdpTransport({ host: '127.0.0.1' }),
        credentials: { psk: { identity: endpoint, key: key(input.run, i) } },
      });
      await client.start((data) => {
        const m = parseCoapMessage(data);
        const k = `${i}#${m.messageId}`;
        pending.get(k)?.(m.code);
        pending.delete(k);
      });
      return client;
    }),
  );
  let mid = 0;
  const request = (
    i: number,
    code: number,
    path: string[],
    query: string[],
    payload: Buffer,
    cf?: number,
  ) => {
    const messageId = (mid = (mid + 1) & 0xffff);
    const bytes = serializeCoapMessage({
      type: CoapType.Confirmable,
      code,
      messageId,
      token: Buffer.from([i & 0xff, (i >> 8) & 0xff]),
      options: [
        ...stringOptions(CoapOption.UriPath, path),
        ...stringOptions(CoapOption.UriQuery, query),
        ...(cf !== undefined ? [uintOption(CoapOption.ContentFormat, cf)] : []),
      ],
      payload,
    });
    return new Promise<number>((resolve) => {
      const k = `${i}#${messageId}`;
      const timer = setTimeout(() => {
        pending.delete(k);
        resolve(-1);
      }, 10_000);
      pending.set(k, (c) => {
        clearTimeout(timer);
        resolve(c);
      });
      clients[i]!.send(bytes, server);
    });
  };
  let failed = 0;
  const before = await input.memory();
  // ---- full handshakes, 64 at a time
  let t = Date.now();
  const connected = await inWindows(clients.length, 64, (i) =>
    clients[i]!.connect(server.address, server.port).then(
      () => true,
      () => false,
    ),
  );
  const fullHandshakesPerS = connected.filter(Boolean).length / ((Date.now() - t) / 1000);
  failed += connected.filter((c) => !c).length;
  const after = await input.memory();
  const sessions = connected.filter(Boolean).length;
  // ---- registrations over the sessions
  const links = Buffer.from('</1/0>,</3/0>,</3303/0>');
  const codes = await inWindows(clients.length, 200, (i) =>
    request(i, CoapCode.POST, ['rd'], [`ep=${endpoints[i]}`, 'lt=3600', 'lwm2m=1.1'], links),
  );
  const registered = codes.filter((c) => c === CoapCode.Created).length;
  // ---- CON Sends over DTLS
  const payload = Buffer.from(JSON.stringify([{ bn: '/3303/0/', n: '5700', v: 21.5 }]));
  const latencies: number[] = [];
  let ok = 0;
  let next = 0;
  const until = Date.now() + input.seconds * 1000;
  t = Date.now();
  await Promise.all(
    Array.from({ length: input.window }, async () => {
      while (Date.now() < until) {
        const i = next++ % clients.length;
        const started = process.hrtime.bigint();
        const code = await request(i, CoapCode.POST, ['dp'], [], payload, 110);
        if (code === CoapCode.Changed) {
          ok++;
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        } else failed++;
      }
    }),
  );
  const sendsPerS = ok / ((Date.now() - t) / 1000);
  latencies.sort((a, b) => a - b);
  // ---- resumed (abbreviated) handshakes: close a share of the sessions, connect again
  const resumeCount = Math.min(2000, clients.length);
  for (let i = 0; i < resumeCount; i++) clients[i]!.closeSession(server.address, server.port);
  await new Promise((r) => setTimeout(r, 500));
  t = Date.now();
  const resumed = await inWindows(resumeCount, 64, (i) =>
    clients[i]!.connect(server.address, server.port).then(
      () => true,
      () => false,
    ),
  );
  const resumedHandshakesPerS = resumed.filter(Boolean).length / ((Date.now() - t) / 1000);
  await Promise.all(clients.map((c) => c.close()));
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    sessions,
    fullHandshakesPerS,
    bytesPerSession: (after.heapUsed - before.heapUsed) / Math.max(1, sessions),
    registered,
    sendsPerS,
    sendP50Ms: pct(50),
    sendP99Ms: pct(99),
    resumedHandshakesPerS,
    failed,
  };
}
