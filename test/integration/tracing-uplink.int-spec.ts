/**
 * Tracing (issue 22): one device uplink is one connected trace, through the real code path on the local stack: a
 * LwM2M Send over UDP to coap-ingest (in this process), Kafka (the real broker: the trace context travels in the
 * record headers), the decoder (in this process) and its TimescaleDB write. Both apps export to one in-memory
 * exporter, each with its own service.name; the test checks trace id, parents and kinds span by span.
 */
import { CoapCode } from '@smartcity/coap';
import { TenantAdminRepository } from '@smartcity/platform-db';
import {
  createTracing,
  InMemorySpanExporter,
  type ReadableSpan,
  SpanKind,
} from '@smartcity/platform-observability';
import { DecoderHarness } from '../../apps/decoder/src/testing/decoder-harness';
import { IngestTestWorld } from '../../apps/coap-ingest/src/testing/ingest-harness';
import { TestDevice } from '../../apps/coap-ingest/src/testing/test-device';

jest.setTimeout(120_000);

const idOf = (s: ReadableSpan) => s.spanContext().spanId;
const traceOf = (s: ReadableSpan) => s.spanContext().traceId;

describe('one uplink, one trace: CoAP request -> Kafka -> decoder -> database', () => {
  const world = new IngestTestWorld();
  const decoders = new DecoderHarness();
  const exporter = new InMemorySpanExporter();
  const ingestTracing = createTracing({ enabled: true, serviceName: 'coap-ingest', exporter });
  const decoderTracing = createTracing({ enabled: true, serviceName: 'decoder', exporter });
  const endpoint = `trace-${world.run}`;
  let deviceId: string;
  let device: TestDevice;

  beforeAll(async () => {
    await world.createTenant();
    deviceId = await world.provision(endpoint);
    const app = await world.startIngest({}, { tracing: ingestTracing });
    await decoders.startDecoder(
      {
        DECODER_UPLINK_TOPIC: world.topic,
        DECODER_UPLINK_PARTITIONS: '1',
        DECODER_FROM_BEGINNING: 'true',
      },
      { tracing: decoderTracing },
    );
    device = new TestDevice(app.coapPort());
    await device.open();
    const registered = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1'],
      payload: '</3303/0>',
    });
    expect(registered.code).toBe(CoapCode.Created);
  });

  afterAll(async () => {
    device?.close();
    await decoders.cleanup();
    await world.owner
      .query('DELETE FROM telemetry WHERE tenant_id = $1', [world.tenant])
      .catch(() => undefined);
    await new TenantAdminRepository(world.owner).delete(world.tenant).catch(() => undefined);
    await world.cleanup();
  });

  /** Polls the exporter until `done` holds for the finished spans (the decoder ends its spans after the write). */
  const spansUntil = async (done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> => {
    const until = Date.now() + 30_000;
    for (;;) {
      const spans = exporter.getFinishedSpans();
      if (done(spans) || Date.now() > until) return spans;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('a Send: request span -> Kafka send -> decoder process -> decode and write, one trace id', async () => {
    const payload = Buffer.from(JSON.stringify([{ bn: '/3303/0/', n: '5700', v: 21.5 }]));
    const answer = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat: 110 });
    expect(answer.code).toBe(CoapCode.Changed);

    const isSendRequest = (s: ReadableSpan) => s.name === 'CoAP POST /dp' && s.kind === SpanKind.SERVER;
    const spans = await spansUntil((all) => {
      const request = all.find(isSendRequest);
      return (
        !!request && all.some((s) => traceOf(s) === traceOf(request) && s.name === 'process ' + world.topic)
      );
    });
    const request = spans.find(isSendRequest);
    expect(request).toBeDefined();
    const trace = spans.filter((s) => traceOf(s) === traceOf(request!));
    const byName = (name: string) => {
      const found = trace.filter((s) => s.name === name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0]!;
    };

    // The CoAP request is the root (devices send no trace context), in the ingest, answered 2.04.
    expect(request!.parentSpanContext).toBeUndefined();
    expect(request!.resource.attributes['service.name']).toBe('coap-ingest');
    expect(request!.attributes['coap.response.code']).toBe('2.04');

    const send = byName(`send ${world.topic}`);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(idOf(request!));
    expect(send.attributes['messaging.kafka.message.key']).toBe(`${world.tenant}/${endpoint}`);

    // The decoder continues the trace from the record's traceparent header.
    const processed = byName(`process ${world.topic}`);
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.resource.attributes['service.name']).toBe('decoder');
    expect(processed.parentSpanContext?.spanId).toBe(idOf(send));
    expect(processed.parentSpanContext?.isRemote).toBe(true);

    const decoded = byName('decode uplink');
    expect(decoded.parentSpanContext?.spanId).toBe(idOf(processed));
    expect(decoded.attributes).toMatchObject({ 'lwm2m.uplink.kind': 'send', 'lwm2m.endpoint': endpoint });

    const written = byName('write telemetry');
    expect(written.kind).toBe(SpanKind.CLIENT);
    expect(written.parentSpanContext?.spanId).toBe(idOf(processed));
    expect(written.attributes['db.system.name']).toBe('postgresql');
    expect(written.attributes['smartcity.values_written']).toBe(1);
    // The write ended inside the process span, which ends only once the batch is durable.
    expect(hrMs(written.endTime)).toBeLessThanOrEqual(hrMs(processed.endTime));

    // Exactly these five spans: nothing of another uplink (the registration has its own trace) leaked in.
    expect(trace.map((s) => s.name).sort()).toEqual(
      [
        'CoAP POST /dp',
        'decode uplink',
        `process ${world.topic}`,
        `send ${world.topic}`,
        'write telemetry',
      ].sort(),
    );
    expect(trace.every((s) => s.status.code !== 2)).toBe(true);

    // And the value really is in TimescaleDB.
    const { rows } = await world.owner.query<{ n: string }>(
      'SELECT count(*) AS n FROM telemetry WHERE device_id = $1 AND value_num = 21.5',
      [deviceId],
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('the registration is a trace of its own, also reaching the decoder', async () => {
    const spans = exporter.getFinishedSpans();
    const register = spans.find((s) => s.name === 'CoAP POST /rd');
    expect(register).toBeDefined();
    expect(register!.attributes['coap.response.code']).toBe('2.01');
    const trace = spans.filter((s) => traceOf(s) === traceOf(register!));
    expect(trace.map((s) => s.name)).toEqual(
      expect.arrayContaining([`send ${world.topic}`, `process ${world.topic}`, 'decode uplink']),
    );
    const send = spans.find((s) => s.name === 'CoAP POST /dp')!;
    expect(traceOf(send)).not.toBe(traceOf(register!));
  });
});

function hrMs(t: [number, number]): number {
  return t[0] * 1000 + t[1] / 1e6;
}
