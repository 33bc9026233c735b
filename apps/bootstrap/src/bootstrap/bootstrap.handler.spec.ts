import {
  CoapCode,
  CoapEndpoint,
  type CoapExchange,
  CoapOption,
  type DatagramListener,
  type DatagramTransport,
  FakeClock,
  MemoryNetwork,
  type MemoryTransport,
  type Peer,
  stringOptions,
  udpPeer,
  uintOption,
  uintOptionOf,
  uriPathOf,
} from '@smartcity/coap';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import {
  createLogger,
  createTracing,
  InMemorySpanExporter,
  SpanKind,
  type Tracing,
} from '@smartcity/platform-observability';
import { type SequenceFacts } from './bootstrap-event';
import { type BootstrapOutcome } from './bootstrap-sequence';
import {
  type BootstrapDevice,
  type BootstrapDevices,
  BootstrapHandler,
  parseQuery,
} from './bootstrap.handler';
import { type ServerAccount, serverInstance } from './bootstrap-writes';

const SERVER_PORT = 5784;
const logger = createLogger({ app: 'bootstrap-test', level: 'silent' });

/** What DTLS would hand up: every datagram of a port comes with the PSK identity that port's device proved. */
class PskIdentityTransport implements DatagramTransport {
  readonly scheme = 'coaps' as const;
  constructor(
    private readonly inner: MemoryTransport,
    private readonly identities: ReadonlyMap<number, string>,
  ) {}
  start(onDatagram: DatagramListener): Promise<void> {
    return this.inner.start((data, peer) => {
      const identity = this.identities.get(peer.port);
      onDatagram(data, identity ? { ...peer, identity: { kind: 'psk', identity } } : peer);
    });
  }
  send(data: Buffer, peer: Peer): void {
    this.inner.send(data, peer);
  }
  localAddress() {
    return this.inner.localAddress();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const lamp: BootstrapDevice = {
  tenantId: 'lyon',
  deviceId: 'd-1',
  endpoint: 'lyon-sl-1',
  decommissioned: false,
};
const account: ServerAccount = {
  serverUri: 'coaps://127.0.0.1:5684',
  shortServerId: 1,
  lifetime: 300,
  binding: 'U',
  pskIdentity: 'lyon-sl-1',
  pskKey: Buffer.alloc(16, 7),
  defaultMinPeriod: null,
  defaultMaxPeriod: null,
  objectWrites: [],
};

function world(
  options: {
    devices?: Record<string, BootstrapDevice>;
    noConfig?: boolean;
    maxSessions?: number;
    tracing?: Tracing;
  } = {},
) {
  const clock = new FakeClock();
  const network = new MemoryNetwork();
  const identities = new Map<number, string>([
    [40001, 'vendor-1'],
    [40002, 'vendor-2'],
  ]);
  const server = new CoapEndpoint({
    transport: new PskIdentityTransport(network.transport(SERVER_PORT), identities),
    clock,
  });
  const planned: BootstrapDevice[] = [];
  const ended: BootstrapOutcome[] = [];
  const facts: SequenceFacts[] = [];
  const devices: BootstrapDevices = {
    byPskIdentity: (identity) => Promise.resolve((options.devices ?? { 'vendor-1': lamp })[identity]),
    byCertificate: () => Promise.resolve(undefined),
    plan: (d) => {
      planned.push(d);
      return Promise.resolve(options.noConfig ? undefined : account);
    },
    ended: (_d, outcome, f) => {
      ended.push(outcome);
      facts.push(f);
      return Promise.resolve();
    },
  };
  const handler = new BootstrapHandler(server, devices, undefined, logger, clock, {
    maxSessions: options.maxSessions ?? 10,
    sessionTimeoutMs: 60_000,
    requestTimeoutMs: 30_000,
    retryAfterS: 30,
    ...(options.tracing ? { tracing: options.tracing } : {}),
  });
  /** A device on a port: answers the server's requests with success codes (or holds them when `silent`). */
  const device = async (port: number, behaviour: { silent?: boolean } = {}) => {
    const seen: string[] = [];
    const endpoint = new CoapEndpoint({ transport: network.transport(port), clock });
    await endpoint.start((exchange: CoapExchange) => {
      const path = '/' + uriPathOf(exchange.request).join('/');
      seen.push(`${exchange.request.code}:${path}`);
      if (behaviour.silent) return;
      if (exchange.request.code === CoapCode.GET && path === '/1/0') {
        // Bootstrap-Read of the account just written, answered with its Content-Format (Core 1.1.1 §6.1.7.3).
        const { payload } = serverInstance(0, account, ContentFormat.TLV);
        exchange.respond(
          CoapCode.Content,
          [uintOption(CoapOption.ContentFormat, ContentFormat.TLV)],
          payload,
        );
        return;
      }
      const code =
        exchange.request.code === CoapCode.DELETE
          ? CoapCode.Deleted
          : exchange.request.code === CoapCode.GET
            ? CoapCode.Content
            : CoapCode.Changed;
      exchange.respond(code, [], exchange.request.code === CoapCode.GET ? Buffer.from('</0/0>') : undefined);
    });
    const request = async (query: string[]) =>
      endpoint.request(udpPeer('127.0.0.1', SERVER_PORT), {
        code: CoapCode.POST,
        options: [...stringOptions(CoapOption.UriPath, ['bs']), ...stringOptions(CoapOption.UriQuery, query)],
      });
    return { seen, request, endpoint };
  };
  const settle = async () => {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    clock,
    server,
    handler,
    device,
    planned,
    ended,
    facts,
    settle,
    start: () => server.start(handler.handle),
  };
}

describe('BootstrapHandler (Bootstrap-Request, LwM2M Core 1.1.1 §6.1.7.1)', () => {
  it('answers 2.04 to its own device, then runs the sequence to Bootstrap-Finish', async () => {
    const w = world();
    await w.start();
    const d = await w.device(40001);
    const response = await d.request(['ep=lyon-sl-1', 'pct=11542']);
    expect(response.message.code).toBe(CoapCode.Changed);
    await w.settle();
    expect(d.seen).toEqual([
      `${CoapCode.DELETE}:/0`,
      `${CoapCode.DELETE}:/1`,
      `${CoapCode.GET}:/0`,
      `${CoapCode.PUT}:/0/1`,
      `${CoapCode.PUT}:/1/0`,
      `${CoapCode.GET}:/1/0`,
      `${CoapCode.POST}:/bs`,
    ]);
    expect(w.ended).toEqual([
      {
        outcome: 'finished',
        securityInstance: 1,
        serverInstance: 0,
        objectWrites: [],
        skipped: [],
        verified: true,
      },
    ]);
    // What the device's event says besides the outcome: the account's URI, never its key.
    expect(w.facts).toEqual([
      expect.objectContaining({
        serverUri: account.serverUri,
        rotation: false,
        startedAtMs: expect.any(Number),
      }),
    ]);
    expect(w.facts[0]!.endedAtMs).toBeGreaterThanOrEqual(w.facts[0]!.startedAtMs);
    expect(w.handler.activeSessions).toBe(0);
  });

  it('traced: the Bootstrap-Request is the root span, the sequence its child, each device request a CLIENT span', async () => {
    const exporter = new InMemorySpanExporter();
    const w = world({ tracing: createTracing({ enabled: true, serviceName: 'bootstrap', exporter }) });
    await w.start();
    const d = await w.device(40001);
    expect((await d.request(['ep=lyon-sl-1', 'pct=11542'])).message.code).toBe(CoapCode.Changed);
    await w.settle();
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'CoAP POST /bs')!;
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.attributes['coap.response.code']).toBe('2.04');
    const sequence = spans.find((s) => s.name === 'bootstrap sequence')!;
    expect(sequence.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(sequence.attributes['lwm2m.bootstrap.outcome']).toBe('finished');
    const toDevice = spans.filter((s) => s.kind === SpanKind.CLIENT);
    // Delete /0, Delete /1, Discover, two Writes, Bootstrap-Read, Bootstrap-Finish (as the sequence test above).
    expect(toDevice.map((s) => s.name)).toEqual([
      'CoAP DELETE',
      'CoAP DELETE',
      'CoAP GET',
      'CoAP PUT',
      'CoAP PUT',
      'CoAP GET',
      'CoAP POST',
    ]);
    for (const s of toDevice) {
      expect(s.parentSpanContext?.spanId).toBe(sequence.spanContext().spanId);
      expect(s.spanContext().traceId).toBe(request.spanContext().traceId);
    }
    expect(toDevice.at(-1)!.attributes['coap.response.code']).toBe('2.04');
  });

  it('refuses another endpoint than the credential’s device with 4.03, without diagnostic or planning', async () => {
    const w = world();
    await w.start();
    const d = await w.device(40001);
    const response = await d.request(['ep=lyon-sl-2']);
    expect(response.message.code).toBe(CoapCode.Forbidden);
    expect(response.payload).toHaveLength(0);
    // An unknown credential and a decommissioned device get the very same answer.
    const unknown = await (await w.device(40002)).request(['ep=lyon-sl-1']);
    expect(unknown.message.code).toBe(CoapCode.Forbidden);
    expect(unknown.payload).toHaveLength(0);
    expect(w.planned).toEqual([]);
    expect(d.seen).toEqual([]);
  });

  it('refuses a decommissioned device with the same 4.03', async () => {
    const w = world({ devices: { 'vendor-1': { ...lamp, decommissioned: true } } });
    await w.start();
    const response = await (await w.device(40001)).request(['ep=lyon-sl-1']);
    expect(response.message.code).toBe(CoapCode.Forbidden);
    expect(w.planned).toEqual([]);
  });

  it.each([
    [['pct=112'], CoapCode.BadRequest],
    [['ep=lyon-sl-1', 'ep=lyon-sl-1'], CoapCode.BadRequest],
    [['ep=lyon-sl-1', 'pct=abc'], CoapCode.BadRequest],
    [['ep=lyon-sl-1', 'pct=0'], CoapCode.UnsupportedContentFormat],
  ])('answers %j with %i and starts nothing', async (query, code) => {
    const w = world();
    await w.start();
    const d = await w.device(40001);
    expect((await d.request(query)).message.code).toBe(code);
    expect(w.planned).toEqual([]);
  });

  it('answers 4.01 to a peer without an authenticated credential, and 4.04 without a configuration', async () => {
    const w = world();
    await w.start();
    expect((await (await w.device(40009)).request(['ep=lyon-sl-1'])).message.code).toBe(
      CoapCode.Unauthorized,
    );
    const n = world({ noConfig: true });
    await n.start();
    const d = await n.device(40001);
    expect((await d.request(['ep=lyon-sl-1'])).message.code).toBe(CoapCode.NotFound);
    await n.settle();
    expect(d.seen).toEqual([]);
  });

  it('answers 5.03 + Max-Age beyond its sessions, and a retry of the same device supersedes its sequence', async () => {
    const second: BootstrapDevice = { ...lamp, deviceId: 'd-2', endpoint: 'lyon-sl-2' };
    const w = world({ devices: { 'vendor-1': lamp, 'vendor-2': second }, maxSessions: 1 });
    await w.start();
    const stuck = await w.device(40001, { silent: true });
    expect((await stuck.request(['ep=lyon-sl-1'])).message.code).toBe(CoapCode.Changed);
    await w.settle();
    expect(w.handler.activeSessions).toBe(1);
    const busy = await (await w.device(40002)).request(['ep=lyon-sl-2']);
    expect(busy.message.code).toBe(CoapCode.ServiceUnavailable);
    expect(uintOptionOf(busy.message, CoapOption.MaxAge)).toBe(30);
    // The stuck device asks again (§6.1.3: it retries): the old sequence ends, a new one starts.
    expect((await stuck.request(['ep=lyon-sl-1'])).message.code).toBe(CoapCode.Changed);
    await w.settle();
    expect(w.ended).toEqual([{ outcome: 'aborted', step: 'delete-security', reason: 'superseded' }]);
    expect(w.handler.activeSessions).toBe(1);
    await w.handler.stop();
    expect(w.ended.at(-1)).toEqual({ outcome: 'aborted', step: 'delete-security', reason: 'shutdown' });
  });

  it('parses ep and pct strictly, ignoring other parameters', () => {
    expect(parseQuery(['ep=a', 'pct=112', 'x=1'])).toEqual({ ep: 'a', pct: 112 });
    expect(parseQuery(['ep='])).toBeUndefined();
    expect(parseQuery([`ep=${'a'.repeat(256)}`])).toBeUndefined();
    expect(parseQuery(['ep=a', 'pct=70000'])).toBeUndefined();
  });
});
