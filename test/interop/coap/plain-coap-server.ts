import {
  CoapCode,
  CoapEndpoint,
  type CoapExchange,
  CoapOption,
  formatCode,
  type NotifyOutcome,
  type Peer,
  stringOptions,
  uintOption,
  uintOptionOf,
  uriPathOf,
} from '@smartcity/coap';
import { RecordingTransport } from './recording-transport';

export interface ServedObservation {
  readonly peer: Peer;
  readonly token: Buffer;
  readonly path: string;
}

/** Content-Format application/octet-stream (RFC 7252 §12.3). */
const OCTET_STREAM = 42;

/**
 * Our `CoapEndpoint` as a plain CoAP server (no LwM2M): resources by Uri-Path, GET (with Observe, RFC 7641 §4.1),
 * PUT/POST that replace a resource, and a stub LwM2M registration interface (/rd). The message layer does Block2/Block1 and Resets; what stays here is what RFC 7641
 * leaves to the application: which observations exist, when to notify, and forgetting an observer that cancelled
 * (GET with Observe=1, §3.6, or a Reset to a notification, §4.2/§3.6).
 */
export class PlainCoapServer {
  readonly transport = new RecordingTransport();
  readonly endpoint: CoapEndpoint;
  readonly observations = new Map<string, ServedObservation>();
  /** Observations that ended, and why. */
  readonly cancellations: Array<{ key: string; how: 'deregister' | 'reset' | 'timeout' }> = [];
  /** Requests that reached the application, by "METHOD path": a duplicate or a cached block never does. */
  readonly handled = new Map<string, number>();
  private readonly resources = new Map<string, Buffer>();
  private seq = 2;

  constructor() {
    this.endpoint = new CoapEndpoint({
      transport: this.transport,
      // A Reset to a NON notification (RFC 7641 §3.6): the message layer tells us which observation it was.
      onNotificationReset: (peer, token) => this.end(keyOf(peer, token), 'reset'),
    });
  }

  async start(): Promise<number> {
    await this.endpoint.start((exchange) => this.handle(exchange));
    return this.endpoint.localAddress().port;
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  set(path: string, body: Buffer): void {
    this.resources.set(path, body);
  }

  get(path: string): Buffer | undefined {
    return this.resources.get(path);
  }

  observersOf(path: string): ServedObservation[] {
    return [...this.observations.values()].filter((o) => o.path === path);
  }

  /** Changes a resource and notifies each of its observers; an observer that Resets or never acknowledges is dropped. */
  async change(path: string, body: Buffer, confirmable: boolean): Promise<NotifyOutcome[]> {
    this.resources.set(path, body);
    const seq = ++this.seq;
    return Promise.all(
      this.observersOf(path).map(async (o) => {
        const outcome = await this.endpoint.notify(
          o.peer,
          o.token,
          {
            code: CoapCode.Content,
            options: [uintOption(CoapOption.Observe, seq), uintOption(CoapOption.ContentFormat, 0)],
            payload: body,
          },
          confirmable,
        );
        // §4.5: a CON notification answered with a Reset, or never acknowledged, ends the observation.
        if (outcome === 'reset' || outcome === 'timeout') this.end(keyOf(o.peer, o.token), outcome);
        return outcome;
      }),
    );
  }

  private handle(exchange: CoapExchange): void {
    const { request, peer } = exchange;
    const path = uriPathOf(request).join('/');
    const counted = `${formatCode(request.code)} ${path}`;
    this.handled.set(counted, (this.handled.get(counted) ?? 0) + 1);
    switch (request.code) {
      case CoapCode.GET: {
        const body = this.resources.get(path);
        if (!body) return exchange.respond(CoapCode.NotFound);
        const observe = uintOptionOf(request, CoapOption.Observe);
        const key = keyOf(peer, request.token);
        const format = uintOption(CoapOption.ContentFormat, path === 'large' ? OCTET_STREAM : 0);
        if (observe === 0) {
          this.observations.set(key, { peer, token: request.token, path });
          return exchange.respond(CoapCode.Content, [uintOption(CoapOption.Observe, this.seq), format], body);
        }
        if (observe === 1) this.end(key, 'deregister');
        return exchange.respond(CoapCode.Content, [format], body);
      }
      case CoapCode.POST:
        // Enough of an LwM2M registration interface (Core 1.1.1 §6.2.1) for our LwM2M client to register here:
        // it sends notifications only while registered.
        if (path === 'rd')
          return exchange.respond(
            CoapCode.Created,
            stringOptions(CoapOption.LocationPath, ['rd', 'interop']),
          );
        if (path.startsWith('rd/')) return exchange.respond(CoapCode.Changed);
        this.resources.set(path, request.payload);
        return exchange.respond(CoapCode.Changed);
      case CoapCode.PUT:
        this.resources.set(path, request.payload);
        return exchange.respond(CoapCode.Changed);
      case CoapCode.DELETE:
        return exchange.respond(path.startsWith('rd/') ? CoapCode.Deleted : CoapCode.MethodNotAllowed);
      default:
        return exchange.respond(CoapCode.MethodNotAllowed);
    }
  }

  private end(key: string, how: 'deregister' | 'reset' | 'timeout'): void {
    const observation = this.observations.get(key);
    if (!observation) return;
    this.observations.delete(key);
    this.endpoint.endServedObservation(observation.peer, observation.token);
    this.cancellations.push({ key, how });
  }
}

export function keyOf(peer: Peer, token: Buffer): string {
  return `${peer.key}#${token.toString('hex')}`;
}
