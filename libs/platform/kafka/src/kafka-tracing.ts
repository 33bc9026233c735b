import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  type Tracing,
} from '@smartcity/platform-observability';
import { type ConsumedMessage } from './kafka-consumer';

/**
 * Trace context through Kafka: the producer writes the W3C `traceparent`/`tracestate` of its send span into the
 * record headers (Kafka headers are the carrier, as the OpenTelemetry messaging conventions do it for Kafka); a
 * consumer starts its processing span as a child of that remote context, so one device message is one trace from
 * the CoAP request to the database write. Attribute names follow the OpenTelemetry messaging semantic conventions
 * (`messaging.*`, Kafka specifics `messaging.kafka.*`).
 */
export const MESSAGING_SYSTEM = 'kafka';

/** The remote parent a consumed message carries (ROOT_CONTEXT without headers, or with tracing off). */
export function messageContext(tracing: Tracing, message: Pick<ConsumedMessage, 'headers'>): Context {
  return tracing.extract(message.headers);
}

/**
 * A CONSUMER span `process <topic>` for one consumed message, child of the context in its headers; undefined with
 * tracing off (nothing allocated). The caller ends it once the message is done (for the decoder: written).
 */
export function startProcessSpan(
  tracing: Tracing,
  origin: { readonly topic: string; readonly partition: number },
  message: Pick<ConsumedMessage, 'headers' | 'offset' | 'key'>,
  attributes?: Attributes,
): Span | undefined {
  if (!tracing.enabled) return undefined;
  return tracing.tracer.startSpan(
    `process ${origin.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': MESSAGING_SYSTEM,
        'messaging.operation.type': 'process',
        'messaging.destination.name': origin.topic,
        'messaging.destination.partition.id': String(origin.partition),
        'messaging.kafka.offset': Number(message.offset),
        ...(message.key !== null ? { 'messaging.kafka.message.key': message.key } : {}),
        ...attributes,
      },
    },
    tracing.extract(message.headers),
  );
}

/** Attributes of a producer's send span. */
export function sendAttributes(topic: string, messages: number, key: string | undefined): Attributes {
  return {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'send',
    'messaging.destination.name': topic,
    ...(messages > 1 ? { 'messaging.batch.message_count': messages } : {}),
    ...(messages === 1 && key !== undefined ? { 'messaging.kafka.message.key': key } : {}),
  };
}
