import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type Clock,
  type CoapEndpoint,
  type CoapExchange,
  CoapCode,
  CoapOption,
  formatCode,
  type Peer,
  type PeerIdentity,
  uintOption,
  uintOptionOf,
  uriPathOf,
  uriQueryOf,
} from '@smartcity/coap';
import {
  activeContext,
  type Logger,
  ROOT_CONTEXT,
  runInSpan,
  type Span,
  SpanKind,
  SpanStatusCode,
  TRACING_DISABLED,
  type Tracing,
  withSpan,
} from '@smartcity/platform-observability';
import { type BootstrapMetrics } from '../metrics/bootstrap.metrics';
import { type SequenceFacts } from './bootstrap-event';
import { type BootstrapChannel, type BootstrapOutcome, runBootstrapSequence } from './bootstrap-sequence';
import { type ServerAccount, writeFormatFor } from './bootstrap-writes';

/** The device a bootstrap credential names (the credential decides the device, ARCHITECTURE.md "Tenancy"). */
export interface BootstrapDevice {
  readonly tenantId: string;
  readonly deviceId: string;
  readonly endpoint: string;
  readonly decommissioned: boolean;
}

/** A device's verified certificate chain as the DTLS transport reports it. */
export type X509Identity = Extract<PeerIdentity, { kind: 'x509' }>;

/** What the handler needs from storage; PgBootstrapDevices in the app, a fake in unit tests. */
export interface BootstrapDevices {
  /** The device whose bootstrap PSK identity this is, or undefined. */
  byPskIdentity(identity: string): Promise<BootstrapDevice | undefined>;
  /**
   * The device a verified vendor certificate names as `endpoint` (its CN or a subjectAltName), in the tenant whose
   * vendor CA issued it; created there first when that CA creates devices. Undefined otherwise.
   */
  byCertificate(identity: X509Identity, endpoint: string): Promise<BootstrapDevice | undefined>;
  /**
   * The device's LwM2M server account for this sequence: its configuration, and a new LwM2M server PSK stored as
   * its device credential (so the ingest accepts it). Undefined: its tenant has no bootstrap configuration.
   */
  plan(device: BootstrapDevice): Promise<ServerAccount | undefined>;
  /** The sequence ended: recorded, and published as an event of the device (neither carries a secret). */
  ended(device: BootstrapDevice, outcome: BootstrapOutcome, facts: SequenceFacts): Promise<void>;
}

export interface BootstrapHandlerOptions {
  readonly maxSessions: number;
  readonly sessionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryAfterS: number;
  /**
   * Tracing (default off): a SERVER span per Bootstrap-Request (the root: CoAP carries no trace context), a
   * `bootstrap sequence` span under it, and a CLIENT span per request of the sequence to the device.
   */
  readonly tracing?: Tracing;
}

/** Longest `ep` accepted (the devices table's limit). */
const MAX_ENDPOINT_LENGTH = 255;

interface Session {
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/**
 * The Bootstrap-Request (LwM2M Core 1.1.1 §6.1.7.1, Transport 1.1.1 §6.3: `POST /bs?ep={Endpoint}[&pct={cf}]`)
 * and the sequence it starts. Answers:
 * - 2.04 once the sequence is planned (configuration read, new LwM2M server credential stored); the Deletes,
 *   Writes and Finish follow from this server, in the device's DTLS session (§6.1.3);
 * - 4.00 without a valid `ep` (or with a malformed `pct`); 4.15 for a `pct` we cannot write;
 * - 4.01 without an authenticated credential (only reachable over a transport without DTLS, or a raw public key);
 * - 4.03, one answer without diagnostic, when the credential's device is not `ep`, is decommissioned, or is
 *   unknown: endpoint names cannot be probed (the credential decides the device, as at the ingest);
 * - 4.04 when the device's tenant has no bootstrap configuration; 4.04/4.05 for other paths and methods;
 * - 5.03 + Max-Age when too many sequences run or storage is unavailable (the device retries, §6.1.3).
 * A new Bootstrap-Request of a device whose sequence runs supersedes it (the device restarted its bootstrap).
 */
export class BootstrapHandler {
  private readonly sessions = new Map<string, Session>();
  private readonly tracing: Tracing;

  constructor(
    private readonly coap: CoapEndpoint,
    private readonly devices: BootstrapDevices,
    private readonly metrics: BootstrapMetrics | undefined,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly options: BootstrapHandlerOptions,
  ) {
    this.tracing = options.tracing ?? TRACING_DISABLED;
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  readonly handle = (exchange: CoapExchange): void => {
    if (this.tracing.enabled) {
      this.handleTraced(exchange);
      return;
    }
    void this.dispatch(exchange);
  };

  private dispatch(exchange: CoapExchange): Promise<void> {
    return this.onRequest(exchange).catch((err: unknown) => {
      this.logger.error({ err }, 'bootstrap request failed');
      this.answer(exchange, CoapCode.ServiceUnavailable);
    });
  }

  private handleTraced(exchange: CoapExchange): void {
    const path = uriPathOf(exchange.request);
    const span = this.tracing.tracer.startSpan(
      `CoAP ${methodName(exchange.request.code)} ${path.length === 1 && path[0] === 'bs' ? '/bs' : '/{other}'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'network.transport': 'udp',
          'network.peer.address': exchange.peer.address,
          'network.peer.port': exchange.peer.port,
        },
      },
      ROOT_CONTEXT,
    );
    const traced: CoapExchange = {
      request: exchange.request,
      peer: exchange.peer,
      receivedAt: exchange.receivedAt,
      size: exchange.size,
      respond: (code, options, payload) => {
        recordCode(span, code);
        exchange.respond(code, options, payload);
      },
    };
    void runInSpan(span, () => this.dispatch(traced), ROOT_CONTEXT).finally(() => span.end());
  }

  /** Aborts the running sequences and waits for them to end (shutdown). */
  async stop(): Promise<void> {
    const running = [...this.sessions.values()];
    for (const s of running) s.abort.abort('shutdown');
    await Promise.all(running.map((s) => s.done));
  }

  private async onRequest(exchange: CoapExchange): Promise<void> {
    const { request, peer } = exchange;
    const path = uriPathOf(request);
    if (path.length !== 1 || path[0] !== 'bs') return this.answer(exchange, CoapCode.NotFound);
    if (request.code !== CoapCode.POST) return this.answer(exchange, CoapCode.MethodNotAllowed);
    const query = parseQuery(uriQueryOf(request));
    if (!query) return this.answer(exchange, CoapCode.BadRequest, 'ep is required, once; pct is a number');
    const format = writeFormatFor(query.pct);
    if (format === undefined) return this.answer(exchange, CoapCode.UnsupportedContentFormat);
    const identity = peer.identity;
    if (identity?.kind !== 'psk' && identity?.kind !== 'x509')
      return this.answer(exchange, CoapCode.Unauthorized);

    const device =
      identity.kind === 'psk'
        ? await this.devices.byPskIdentity(identity.identity)
        : await this.devices.byCertificate(identity, query.ep);
    if (!device || device.decommissioned || !sameEndpoint(device.endpoint, query.ep)) {
      return this.answer(exchange, CoapCode.Forbidden);
    }
    const previous = this.sessions.get(device.deviceId);
    if (!previous && this.sessions.size >= this.options.maxSessions) {
      return this.answer(exchange, CoapCode.ServiceUnavailable);
    }
    const account = await this.devices.plan(device);
    if (!account) return this.answer(exchange, CoapCode.NotFound, 'no bootstrap configuration');
    if (previous) {
      previous.abort.abort('superseded');
      await previous.done;
    }
    this.answer(exchange, CoapCode.Changed);
    this.start(device, peer, account, format);
  }

  private start(device: BootstrapDevice, peer: Peer, account: ServerAccount, contentFormat: number): void {
    const abort = new AbortController();
    const started = this.clock.now();
    const deadline = this.clock.setTimeout(() => abort.abort('timeout'), this.options.sessionTimeoutMs);
    const log = this.logger.child({ endpoint: device.endpoint, tenant: device.tenantId });
    // Traced: the sequence is a child of the Bootstrap-Request's span (it runs on after the 2.04) and the parent of
    // its requests to the device.
    const span = this.tracing.enabled
      ? this.tracing.tracer.startSpan(
          'bootstrap sequence',
          { attributes: { 'lwm2m.endpoint': device.endpoint, 'smartcity.tenant': device.tenantId } },
          activeContext(),
        )
      : undefined;
    const sequence = runInSpan(span, () =>
      runBootstrapSequence(this.channelTo(peer, abort.signal), account, {
        contentFormat,
        signal: abort.signal,
      }),
    );
    const done = sequence
      .then(async (outcome) => {
        span?.setAttribute('lwm2m.bootstrap.outcome', outcome.outcome);
        if (span && outcome.outcome !== 'finished') span.setStatus({ code: SpanStatusCode.ERROR });
        this.clock.clearTimeout(deadline);
        this.metrics?.sequences.inc({
          outcome: outcome.outcome === 'aborted' ? outcome.reason : outcome.outcome,
        });
        if (outcome.outcome === 'finished') {
          this.metrics?.duration.observe((this.clock.now() - started) / 1000);
          log.info({ outcome }, 'bootstrap finished');
        } else log.warn({ outcome }, 'bootstrap sequence ended early');
        await this.devices.ended(device, outcome, {
          startedAtMs: started,
          endedAtMs: this.clock.now(),
          serverUri: account.serverUri,
          rotation: account.rotation === true,
        });
      })
      .catch((err: unknown) => log.error({ err }, 'bootstrap sequence bookkeeping failed'))
      .finally(() => {
        span?.end();
        if (this.sessions.get(device.deviceId)?.done === done) this.sessions.delete(device.deviceId);
      });
    this.sessions.set(device.deviceId, { abort, done });
  }

  /** Requests to the device through its session; an abort rejects the pending one at once. */
  private channelTo(peer: Peer, signal: AbortSignal): BootstrapChannel {
    const send: BootstrapChannel = async (shape) => {
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => reject(new Error(String(signal.reason ?? 'aborted')));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      const response = await Promise.race([
        this.coap.request(peer, {
          code: shape.code,
          options: shape.options,
          ...(shape.payload ? { payload: shape.payload } : {}),
          timeoutMs: this.options.requestTimeoutMs,
        }),
        aborted,
      ]);
      const contentFormat = uintOptionOf(response.message, CoapOption.ContentFormat);
      return {
        code: response.message.code,
        payload: response.payload,
        ...(contentFormat === undefined ? {} : { contentFormat }),
      };
    };
    if (!this.tracing.enabled) return send;
    return (shape) =>
      withSpan(
        this.tracing,
        `CoAP ${methodName(shape.code)}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'network.peer.address': peer.address, 'network.peer.port': peer.port },
        },
        async (span) => {
          const response = await send(shape);
          if (span) recordCode(span, response.code);
          return response;
        },
      );
  }

  private answer(exchange: CoapExchange, code: number, diagnostic?: string): void {
    this.metrics?.requests.inc({ code: `${code >> 5}.${String(code & 31).padStart(2, '0')}` });
    const options =
      code === CoapCode.ServiceUnavailable ? [uintOption(CoapOption.MaxAge, this.options.retryAfterS)] : [];
    exchange.respond(code, options, diagnostic ? Buffer.from(diagnostic, 'utf8') : undefined);
  }
}

/** `ep` (required, once, 1..255 characters) and `pct` (optional, a Content-Format number) of a Bootstrap-Request. */
export function parseQuery(query: readonly string[]): { ep: string; pct?: number } | undefined {
  let ep: string | undefined;
  let pct: number | undefined;
  for (const q of query) {
    const eq = q.indexOf('=');
    const name = eq < 0 ? q : q.slice(0, eq);
    const value = eq < 0 ? '' : q.slice(eq + 1);
    if (name === 'ep') {
      if (ep !== undefined || value.length < 1 || value.length > MAX_ENDPOINT_LENGTH) return undefined;
      ep = value;
    } else if (name === 'pct') {
      if (pct !== undefined || !/^\d{1,5}$/.test(value) || Number(value) > 65535) return undefined;
      pct = Number(value);
    }
    // Other parameters are ignored (Core 1.1.1 §6.1.7.1 defines ep and pct only).
  }
  if (ep === undefined) return undefined;
  return pct === undefined ? { ep } : { ep, pct };
}

/** Compares endpoint names in constant time (digests of equal length), so a refusal's timing names nothing. */
function sameEndpoint(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** CoAP method names (RFC 7252 §12.1.1, RFC 8132) for span names. */
function methodName(code: number): string {
  switch (code) {
    case CoapCode.GET:
      return 'GET';
    case CoapCode.POST:
      return 'POST';
    case CoapCode.PUT:
      return 'PUT';
    case CoapCode.DELETE:
      return 'DELETE';
    case CoapCode.FETCH:
      return 'FETCH';
    default:
      return formatCode(code);
  }
}

/** The response code on a span, `c.dd` (RFC 7252 §3); 5.xx marks it failed. */
function recordCode(span: Span, code: number): void {
  span.setAttribute('coap.response.code', formatCode(code));
  if (code >> 5 === 5) span.setStatus({ code: SpanStatusCode.ERROR, message: formatCode(code) });
}
