import {
  type CoapEndpoint,
  type CoapExchange,
  CoapCode,
  CoapOption,
  uintOption,
  uriPathOf,
} from '@smartcity/coap';
import { KafkaError, KafkaErrorCode } from '@smartcity/platform-kafka';
import {
  type Logger,
  ROOT_CONTEXT,
  runInSpan,
  SpanKind,
  TRACING_DISABLED,
  type Tracing,
} from '@smartcity/platform-observability';
import { coapMethodName, coapRoute, peerAttributes, tracedExchange } from '../tracing/coap-spans';
import { coapCodeOf, IngestError, IngestErrorCode } from './ingest.errors';
import { type RegistrationHandler } from './registration.handler';
import { type SendHandler } from './send.handler';

export interface RouterSettings {
  /** Largest request payload accepted (bytes); above it 4.13 with Size1 (RFC 7959 §4). */
  readonly maxPayloadBytes: number;
  /** Max-Age of a 5.03 when Kafka (or Redis/PostgreSQL) is unavailable: when the device should retry. */
  readonly unavailableRetryAfterS: number;
}

/**
 * Routes device requests to the LwM2M interfaces and translates every failure into a CoAP response at this one
 * edge: domain errors to their code with a diagnostic payload (RFC 7252 §5.5.2), storage unavailable to 5.03 +
 * Max-Age (nothing was acknowledged, the device retries).
 */
export class Lwm2mRouter {
  constructor(
    private readonly registrations: RegistrationHandler,
    private readonly sends: SendHandler,
    private readonly settings: RouterSettings,
    private readonly logger: Logger,
    private readonly tracing: Tracing = TRACING_DISABLED,
  ) {}

  /** The request handler of one endpoint (coap or coaps): what comes in there is answered from there. */
  handlerFor(via: CoapEndpoint): (exchange: CoapExchange) => void {
    return (exchange) => this.handle(exchange, via);
  }

  private handle(exchange: CoapExchange, via: CoapEndpoint): void {
    // Tracing off: this boolean is all the request pays (no span, no wrapper, no context).
    if (this.tracing.enabled) {
      this.handleTraced(exchange, via);
      return;
    }
    void this.dispatch(exchange, via);
  }

  private dispatch(exchange: CoapExchange, via: CoapEndpoint): Promise<void> {
    let work: Promise<void>;
    try {
      work = this.route(exchange, via);
    } catch (err) {
      this.fail(exchange, err);
      return Promise.resolve();
    }
    return work.catch((err: unknown) => this.fail(exchange, err));
  }

  /**
   * One SERVER span per device request, the root of its trace (CoAP carries no trace context), active while the
   * request is handled: the Kafka send of its uplink is a child, and that send's traceparent goes to the decoder.
   * It ends when the handling is done (the response, 2.xx after Kafka acknowledged, has gone out by then).
   */
  private handleTraced(exchange: CoapExchange, via: CoapEndpoint): void {
    const route = coapRoute(uriPathOf(exchange.request));
    const method = coapMethodName(exchange.request.code);
    const span = this.tracing.tracer.startSpan(
      `CoAP ${method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'coap.method': method,
          'coap.route': route,
          'coap.request.size': exchange.size,
          ...peerAttributes(exchange.peer),
        },
      },
      ROOT_CONTEXT,
    );
    const traced = tracedExchange(exchange, span);
    void runInSpan(span, () => this.dispatch(traced, via), ROOT_CONTEXT).finally(() => span.end());
  }

  private route(exchange: CoapExchange, via: CoapEndpoint): Promise<void> {
    if (exchange.request.payload.length > this.settings.maxPayloadBytes) {
      exchange.respond(CoapCode.RequestEntityTooLarge, [
        uintOption(CoapOption.Size1, this.settings.maxPayloadBytes),
      ]);
      return Promise.resolve();
    }
    const path = uriPathOf(exchange.request);
    const method = exchange.request.code;
    if (path[0] === 'dp' && path.length === 1) {
      if (method !== CoapCode.POST) throw notAllowed();
      return this.sends.send(exchange, via);
    }
    if (path[0] === 'rd' && path.length === 1) {
      if (method !== CoapCode.POST) throw notAllowed();
      return this.registrations.register(exchange, via);
    }
    if (path[0] === 'rd' && path.length === 2 && path[1]) {
      if (method === CoapCode.POST) return this.registrations.update(exchange, via, path[1]);
      if (method === CoapCode.DELETE) return this.registrations.deregister(exchange, path[1]);
      throw notAllowed();
    }
    throw new IngestError(IngestErrorCode.NotFound, 'no such resource on this LwM2M server');
  }

  private fail(exchange: CoapExchange, err: unknown): void {
    if (err instanceof IngestError) {
      exchange.respond(coapCodeOf(err.code), [], Buffer.from(err.message));
      return;
    }
    const retry = [uintOption(CoapOption.MaxAge, this.settings.unavailableRetryAfterS)];
    if (err instanceof KafkaError && err.code === KafkaErrorCode.MessageTooLarge) {
      exchange.respond(CoapCode.RequestEntityTooLarge, [], Buffer.from(err.message));
      return;
    }
    if (err instanceof KafkaError) {
      exchange.respond(CoapCode.ServiceUnavailable, retry, Buffer.from('storage unavailable, retry later'));
      return;
    }
    // Redis or PostgreSQL unreachable, or a bug: the device retries later; nothing was acknowledged.
    this.logger.error({ err, peer: exchange.peer.key }, 'request failed');
    exchange.respond(CoapCode.ServiceUnavailable, retry);
  }
}

function notAllowed(): IngestError {
  return new IngestError(IngestErrorCode.MethodNotAllowed, 'method not allowed on this resource');
}
