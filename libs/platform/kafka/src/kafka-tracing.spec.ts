import {
  createLogger,
  createTracing,
  InMemorySpanExporter,
  SpanKind,
  withSpan,
} from '@smartcity/platform-observability';
import { type KafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { startProcessSpan } from './kafka-tracing';

type Sent = {
  topicMessages: { topic: string; messages: { key: string; headers?: Record<string, string> }[] }[];
};

/** A kafkajs producer stand-in that acknowledges every request at once and keeps what it was sent. */
function fakeClient(fail = false) {
  const requests: Sent[] = [];
  const producer = {
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async (req: Sent) => {
      requests.push(req);
      if (fail) throw new Error('broker down');
    },
  };
  const client = {
    logger: createLogger({ app: 'test', level: 'silent' }),
    kafka: { producer: () => producer },
  } as unknown as KafkaClient;
  return { client, requests };
}

const message = (key: string) => ({ key, value: Buffer.from(key), headers: { 'x-schema-version': '1' } });

describe('Kafka trace context', () => {
  it('tracing off (the default): no traceparent header, nothing exported', async () => {
    const fake = fakeClient();
    const exporter = new InMemorySpanExporter();
    const producer = new KafkaProducer(fake.client, { lingerMs: 0 });
    await producer.connect();
    await producer.send('t', [message('a')]);
    expect(fake.requests[0]!.topicMessages[0]!.messages[0]!.headers).toEqual({ 'x-schema-version': '1' });
    // A disabled tracing built from a configuration exports nothing either.
    const off = createTracing({ enabled: false, serviceName: 'x', exporter });
    const withOff = new KafkaProducer(fake.client, { lingerMs: 0, tracing: off });
    await withOff.connect();
    await withSpan(off, 'request', {}, () => withOff.send('t', [message('b')]));
    expect(fake.requests[1]!.topicMessages[0]!.messages[0]!.headers).toEqual({ 'x-schema-version': '1' });
    expect(startProcessSpan(off, { topic: 't', partition: 0 }, { headers: {}, offset: '0', key: null })).toBe(
      undefined,
    );
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await producer.close();
    await withOff.close();
  });

  it('a send span child of the caller span, its traceparent in each header, continued by the consumer', async () => {
    const fake = fakeClient();
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ enabled: true, serviceName: 'producer-app', exporter });
    const producer = new KafkaProducer(fake.client, { lingerMs: 0, tracing });
    await producer.connect();
    await withSpan(tracing, 'coap request', { kind: SpanKind.SERVER }, () =>
      producer.send('lwm2m.uplink.v1', [message('acme/lamp-1')]),
    );
    const [send, request] = exporter.getFinishedSpans();
    expect(send!.name).toBe('send lwm2m.uplink.v1');
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(send!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'lwm2m.uplink.v1',
      'messaging.kafka.message.key': 'acme/lamp-1',
    });
    const headers = fake.requests[0]!.topicMessages[0]!.messages[0]!.headers!;
    expect(headers['x-schema-version']).toBe('1');
    expect(headers.traceparent).toBe(`00-${send!.spanContext().traceId}-${send!.spanContext().spanId}-01`);

    const consumerTracing = createTracing({ enabled: true, serviceName: 'consumer-app', exporter });
    const span = startProcessSpan(
      consumerTracing,
      { topic: 'lwm2m.uplink.v1', partition: 3 },
      { headers, offset: '42', key: 'acme/lamp-1' },
    )!;
    span.end();
    const processed = exporter.getFinishedSpans()[2]!;
    expect(processed.name).toBe('process lwm2m.uplink.v1');
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.spanContext().traceId).toBe(request!.spanContext().traceId);
    expect(processed.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
    expect(processed.resource.attributes['service.name']).toBe('consumer-app');
    expect(processed.attributes['messaging.kafka.offset']).toBe(42);
    await producer.close();
  });

  it('a failed send ends its span with ERROR', async () => {
    const fake = fakeClient(true);
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ enabled: true, serviceName: 'p', exporter });
    const producer = new KafkaProducer(fake.client, { lingerMs: 0, tracing, retries: 0 });
    await producer.connect();
    await expect(producer.send('t', [message('a')])).rejects.toThrow('broker down');
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('send t');
    expect(span!.status.code).toBe(2);
  });
});
