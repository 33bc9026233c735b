import { type DownlinkRequest } from '@smartcity/platform-contracts';
import { TRACEPARENT_HEADER, TRACESTATE_HEADER } from '@smartcity/platform-observability';
import { z } from 'zod';

/**
 * A device request with the trace context it arrived with. The Kafka headers of `lwm2m.downlink.v1` carry the
 * gateway's context; the request then waits in the shared Redis queue (and may be executed by another instance),
 * so the context travels inside the queued JSON, beside the contract's fields (`downlinkRequest` strips unknown
 * keys, so the contract is unchanged).
 */
export type TracedDownlinkRequest = DownlinkRequest & { readonly trace?: TraceCarrier };

export type TraceCarrier = Readonly<Record<string, string>>;

/** W3C Trace Context: traceparent is 55 characters in version 00 (§3.2), tracestate at most 512 (§3.3.1.5). */
const carrier = z.object({
  [TRACEPARENT_HEADER]: z.string().max(128),
  [TRACESTATE_HEADER]: z.string().max(512).optional(),
});

/** The trace fields of headers or of a queued JSON value; undefined when there are none (tracing off upstream). */
export function traceCarrierOf(source: unknown): TraceCarrier | undefined {
  const parsed = carrier.safeParse(source);
  if (!parsed.success) return undefined;
  const out: Record<string, string> = { [TRACEPARENT_HEADER]: parsed.data[TRACEPARENT_HEADER] };
  const state = parsed.data[TRACESTATE_HEADER];
  if (state !== undefined) out[TRACESTATE_HEADER] = state;
  return out;
}
