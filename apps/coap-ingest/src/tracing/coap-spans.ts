import { type CoapExchange, CoapCode, formatCode, type Peer } from '@smartcity/coap';
import { type Attributes, type Span, SpanStatusCode } from '@smartcity/platform-observability';

/**
 * Spans of the CoAP side of the ingest. There is no standard way for a device to send a trace context over CoAP,
 * so a trace starts at the ingest: one SERVER span per device request (`CoAP POST /rd`), one CLIENT span per
 * request the ingest sends to a device (`CoAP GET` for a downlink). Attributes use the CoAP method names of
 * RFC 7252 §12.1.1 / RFC 8132 and the response code in its `c.dd` form (§3); routes are templates (`/rd/{location}`)
 * so span names stay few.
 */
const METHOD_NAMES: Readonly<Record<number, string>> = {
  [CoapCode.GET]: 'GET',
  [CoapCode.POST]: 'POST',
  [CoapCode.PUT]: 'PUT',
  [CoapCode.DELETE]: 'DELETE',
  [CoapCode.FETCH]: 'FETCH',
  [CoapCode.PATCH]: 'PATCH',
  [CoapCode.IPATCH]: 'iPATCH',
};

export function coapMethodName(code: number): string {
  return METHOD_NAMES[code] ?? formatCode(code);
}

/** The LwM2M route of a request path (Core 1.1.1 §6.2 `/rd`, `/rd/{location}`; §6.4.3 Send `/dp`). */
export function coapRoute(path: readonly string[]): string {
  if (path[0] === 'rd') return path.length === 1 ? '/rd' : '/rd/{location}';
  if (path[0] === 'dp' && path.length === 1) return '/dp';
  return '/{other}';
}

export function peerAttributes(peer: Pick<Peer, 'address' | 'port'>): Attributes {
  return { 'network.transport': 'udp', 'network.peer.address': peer.address, 'network.peer.port': peer.port };
}

/** Records a CoAP response code on a span; 5.xx is an ERROR, 4.xx is the client's problem (not a span error). */
export function recordResponseCode(span: Span, code: number): void {
  span.setAttribute('coap.response.code', formatCode(code));
  if (code >> 5 === 5) span.setStatus({ code: SpanStatusCode.ERROR, message: formatCode(code) });
}

/** The exchange as the handlers see it, with the response code recorded on the request span. */
export function tracedExchange(exchange: CoapExchange, span: Span): CoapExchange {
  return {
    request: exchange.request,
    peer: exchange.peer,
    receivedAt: exchange.receivedAt,
    size: exchange.size,
    respond: (code, options, payload) => {
      recordResponseCode(span, code);
      exchange.respond(code, options, payload);
    },
  };
}
