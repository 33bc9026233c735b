import { FakeClock, flushMicrotasks, type Peer } from '@smartcity/coap';
import { DtlsError } from '../errors';
import { parseHandshakeFragments } from '../handshake/handshake-fragment';
import { decodeClientHelloExtensions, decodeServerHelloExtensions } from '../handshake/hello-extensions';
import {
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
} from '../handshake/messages/certificate';
import { parseClientHello, parseHelloVerifyRequest, parseServerHello } from '../handshake/messages/hello';
import * as kx from '../handshake/messages/key-exchange';
import { parseExtensions } from '../handshake/extensions';
import { CertificateType, ContentType, ExtensionType, HandshakeType } from '../protocol/constants';
import { parseDatagram } from '../record/record';
import { decodeSessionState, encodeSessionState } from '../session/session-codec';
import { DtlsClientTransport } from '../transport/dtls-client-transport';
import { DtlsServerTransport, serverConnectionOf } from '../transport/dtls-server-transport';
import { type DtlsServerOptions } from '../transport/server-options';
import { fixtureKey } from './fixtures';
import { int, mutate, randomBytes, type Rand } from './fuzz-mutate';
import { MemoryNetwork, seededRandom, seededRandomBytes } from './memory-network';

/** Typed outcomes: alert names, drop reasons, "ok". Anything else is a crash and throws. */
export interface FuzzReport {
  readonly cases: number;
  readonly outcomes: Record<string, number>;
  readonly serverStats: { sessions: number; handshakes: number };
  readonly heapGrowthMb: number;
}

const SERVER = { address: '10.9.0.1', port: 5684 };
const serverPeer: Peer = { ...SERVER, key: 'server' };
const KEY = Buffer.alloc(16, 0x42);
const LIMITS = { maxHandshakes: 200, maxSessions: 500, maxHandshakesPerAddress: 4, maxRetransmissions: 2 };

/** Codec targets, each with the handshake message type whose real encodings seed its mutations (-1: none). */
const CODECS: Array<[string, number, (b: Buffer) => unknown]> = [
  ['datagram', -1, (b) => parseDatagram(b, 8)],
  ['fragments', -1, (b) => parseHandshakeFragments(b)],
  [
    'client_hello',
    HandshakeType.clientHello,
    (b) => decodeClientHelloExtensions(parseClientHello(b).extensions, false),
  ],
  [
    'server_hello',
    HandshakeType.serverHello,
    (b) => decodeServerHelloExtensions(parseServerHello(b).extensions, ALL_TYPES),
  ],
  ['hello_verify', HandshakeType.helloVerifyRequest, (b) => parseHelloVerifyRequest(b)],
  ['rpk', HandshakeType.certificate, (b) => parseCertificate(b, CertificateType.rawPublicKey, 5)],
  ['certificate', HandshakeType.certificate, (b) => parseCertificate(b, CertificateType.x509, 5)],
  ['certificate_request', HandshakeType.certificateRequest, (b) => parseCertificateRequest(b)],
  ['certificate_verify', HandshakeType.certificateVerify, (b) => parseCertificateVerify(b)],
  ['ecdhe_ske', HandshakeType.serverKeyExchange, (b) => kx.parseEcdheServerKeyExchange(b)],
  ['psk_cke', HandshakeType.clientKeyExchange, (b) => kx.parsePskClientKeyExchange(b, 128)],
  ['ecdhe_cke', HandshakeType.clientKeyExchange, (b) => kx.parseEcdheClientKeyExchange(b)],
  ['extensions', -1, (b) => parseExtensions(b)],
  ['session_state', -2, (b) => decodeSessionState(b)],
];
const ALL_TYPES = new Set(Object.values(ExtensionType) as number[]);

/** Plaintext handshake message bodies seen in the trace, by type. */
function messageBodies(datagrams: Buffer[]): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  for (const d of datagrams) {
    for (const r of parseDatagram(d, 0).records) {
      if (r.type !== ContentType.handshake || r.epoch !== 0) continue;
      for (const f of parseHandshakeFragments(r.fragment)) {
        if (f.offset === 0 && f.data.length === f.length)
          out.set(f.msgType, [...(out.get(f.msgType) ?? []), f.data]);
      }
    }
  }
  return out;
}

function classify(outcomes: Record<string, number>, name: string): void {
  outcomes[name] = (outcomes[name] ?? 0) + 1;
}

/** Runs `fn`; a DtlsError is a typed outcome, anything else a crash reported with the input. */
function guarded(outcomes: Record<string, number>, target: string, input: Buffer, fn: () => unknown): void {
  try {
    fn();
    classify(outcomes, `${target}:ok`);
  } catch (e) {
    if (e instanceof DtlsError) classify(outcomes, `${target}:${e.alertName}`);
    else throw new Error(`fuzz crash in ${target}: ${(e as Error).stack}\ninput: ${input.toString('hex')}`);
  }
}

/** A world with a long-lived server, plus datagrams of real handshakes (PSK, CBC, RPK, CID) as the corpus. */
async function setUp(seed: number) {
  const clock = new FakeClock(Date.now());
  const net = new MemoryNetwork(clock, 1);
  const outcomes: Record<string, number> = {};
  const serverEndpoint = net.endpoint(SERVER.address, SERVER.port);
  const options: DtlsServerOptions = {
    transport: serverEndpoint,
    clock,
    randomBytes: seededRandomBytes(seed),
    psk: { resolvePsk: async (id) => (id.startsWith('dev') ? KEY : undefined) },
    certificate: { privateKey: fixtureKey('server') },
    clientAuthentication: { verifyRawPublicKey: async () => true },
    cipherSuites: [
      'TLS_PSK_WITH_AES_128_CCM_8',
      'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8',
      'TLS_PSK_WITH_AES_128_CBC_SHA256',
    ],
    connectionId: { instanceId: Buffer.from('f0', 'hex') },
    limits: LIMITS,
    metrics: {
      recordDropped: (r) => classify(outcomes, `drop:${r}`),
      handshakeFailed: (i) => classify(outcomes, `failed:${i.alert}`),
    },
  };
  const server = new DtlsServerTransport(options);
  await server.start(() => classify(outcomes, 'server:app_data'));
  net.keepLog = true;
  const kinds = [
    { psk: { identity: 'dev-1', key: KEY } },
    { psk: { identity: 'dev-2', key: KEY } },
    { rawPublicKey: { privateKey: fixtureKey('client'), verifyServerKey: () => true } },
  ] as const;
  const clients: DtlsClientTransport[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const endpoint = net.endpoint(`10.9.1.${i}`, 40000 + i);
    const c = new DtlsClientTransport({
      transport: endpoint,
      clock,
      credentials: kinds[i]!,
      randomBytes: seededRandomBytes(seed + i + 1),
      connectionId: i === 0,
      ...(i === 1 ? { cipherSuites: ['TLS_PSK_WITH_AES_128_CBC_SHA256' as const] } : {}),
    });
    await c.start(() => undefined);
    c.send(Buffer.from(`hello ${i}`), serverPeer);
    clients.push(c);
  }
  for (let t = 0; t < 200; t++) {
    clock.advance(1);
    await flushMicrotasks();
  }
  clients.forEach((c, i) => c.send(Buffer.from(`data ${i}`), serverPeer));
  clock.advance(5);
  const toServer = net.log
    .filter((d) => d.to.port === SERVER.port)
    .map((d) => ({ from: d.from, data: d.data }));
  const toClients = net.log
    .filter((d) => d.from.port === SERVER.port)
    .map((d) => ({ to: d.to, data: d.data }));
  net.keepLog = false;
  const datagrams = [...toServer, ...toClients].map((d) => d.data);
  const bodies = messageBodies(datagrams);
  const sessionStates = server
    .peers()
    .map((p) => encodeSessionState(serverConnectionOf(server, p.key)!.session!));
  return {
    clock,
    net,
    server,
    serverEndpoint,
    clients,
    outcomes,
    toServer,
    toClients,
    datagrams,
    bodies,
    sessionStates,
  };
}

/**
 * A real client handshakes with the server through a network that mutates, drops or duplicates some datagrams
 * in both directions, so both state machines meet damaged input at every stage of the handshake.
 */
async function liveHandshake(w: Awaited<ReturnType<typeof setUp>>, rand: Rand, n: number): Promise<void> {
  const endpoint = w.net.endpoint(`10.9.4.${n % 250}`, 30000 + (n % 20000));
  const rpk = rand() < 0.2;
  const client = new DtlsClientTransport({
    transport: endpoint,
    clock: w.clock,
    credentials: rpk
      ? { rawPublicKey: { privateKey: fixtureKey('client'), verifyServerKey: () => true } }
      : { psk: { identity: rand() < 0.8 ? 'dev-live' : 'stranger', key: KEY } },
    randomBytes: seededRandomBytes(n),
    connectionId: rand() < 0.5,
    limits: { maxRetransmissions: 2, initialRetransmitMs: 20 },
    metrics: { handshakeFailed: (i) => classify(w.outcomes, `live_failed:${i.alert}`) },
  });
  await client.start(() => classify(w.outcomes, 'live:app_data'));
  const p = 0.05 + rand() * 0.25;
  w.net.filter = (d) => {
    if (d.from.port !== endpoint.port && d.to.port !== endpoint.port) return [{ delayMs: 1 }];
    const r = rand();
    if (r < p) return [{ delayMs: 1, data: mutate(d.data, rand) }];
    if (r < p * 1.3) return [];
    if (r < p * 1.5) return [{ delayMs: 1 }, { delayMs: 2 + int(rand, 5) }];
    return [{ delayMs: 1 + int(rand, 3) }];
  };
  client.send(Buffer.from('live'), serverPeer);
  for (let t = 0; t < 40; t++) {
    w.clock.advance(5);
    await flushMicrotasks();
  }
  w.net.filter = undefined;
  await client.close();
}

/**
 * Feeds random and mutated records and handshake messages to the codecs, to a live server (from the addresses
 * of established sessions and from strangers) and to clients in the middle of a handshake. Deterministic for a
 * seed. Throws on the first crash (an error that is not a DtlsError, or any exception out of a transport).
 */
export async function fuzzDtls(cases: number, seed: number): Promise<FuzzReport> {
  const rand: Rand = seededRandom(seed);
  const heapBefore = process.memoryUsage().heapUsed;
  const w = await setUp(seed);
  const crashes: unknown[] = [];
  const onRejection = (e: unknown): void => void crashes.push(e);
  process.on('unhandledRejection', onRejection);
  // A client whose server address is a black hole: mutated server flights are injected "from" it.
  const victimEndpoint = w.net.endpoint('10.9.2.1', 41000);
  const victim = new DtlsClientTransport({
    transport: victimEndpoint,
    clock: w.clock,
    credentials: { psk: { identity: 'dev-1', key: KEY } },
    randomBytes: seededRandomBytes(seed + 99),
    limits: { maxRetransmissions: 1 },
    metrics: {
      recordDropped: (r) => classify(w.outcomes, `client_drop:${r}`),
      handshakeFailed: (i) => classify(w.outcomes, `client_failed:${i.alert}`),
    },
  });
  await victim.start(() => classify(w.outcomes, 'client:app_data'));
  const hole: Peer = { address: '10.9.3.1', port: 5684, key: 'hole' };
  try {
    for (let i = 0; i < cases; i++) {
      const pick = rand();
      if (pick < 0.5) {
        const [name, type, fn] = CODECS[int(rand, CODECS.length)]!;
        const seeds =
          type === -1 ? w.datagrams : type === -2 ? w.sessionStates : (w.bodies.get(type) ?? w.datagrams);
        const input =
          rand() < 0.2 ? randomBytes(rand, int(rand, 200)) : mutate(seeds[int(rand, seeds.length)]!, rand);
        guarded(w.outcomes, name, input, () => fn(input));
      } else if (pick < 0.9) {
        const sample = w.toServer[int(rand, w.toServer.length)]!;
        const data = rand() < 0.1 ? randomBytes(rand, int(rand, 300)) : mutate(sample.data, rand);
        const from =
          rand() < 0.6
            ? sample.from
            : { address: `192.0.2.${int(rand, 250)}`, port: 1024 + int(rand, 60000) };
        w.serverEndpoint.receive(data, from.address, from.port);
      } else if (pick < 0.98) {
        if (rand() < 0.2) victim.send(Buffer.from('probe'), hole);
        const sample = w.toClients[int(rand, w.toClients.length)]!;
        victimEndpoint.receive(mutate(sample.data, rand), hole.address, hole.port);
      } else {
        await liveHandshake(w, rand, i);
      }
      if (i % 256 === 255) {
        w.clock.advance(50);
        await flushMicrotasks();
        if (crashes.length > 0) throw crashes[0];
      }
      const stats = w.server.stats();
      if (stats.handshakes > LIMITS.maxHandshakes || stats.sessions > LIMITS.maxSessions) {
        throw new Error(`fuzz: server state unbounded ${JSON.stringify(stats)}`);
      }
    }
    w.clock.advance(200_000);
    await flushMicrotasks();
    if (crashes.length > 0) throw crashes[0];
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  const stats = w.server.stats();
  await victim.close();
  for (const c of w.clients) await c.close();
  await w.server.close();
  return {
    cases,
    outcomes: w.outcomes,
    serverStats: { sessions: stats.sessions, handshakes: stats.handshakes },
    heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
  };
}
