/**
 * Tracing (issue 22) of a device command, GraphQL -> device -> back, with the apps as real processes configured
 * only by their environment (TRACING_ENABLED, OTEL_EXPORTER_OTLP_ENDPOINT): gateway and two ingest instances
 * export over OTLP/HTTP to a receiver in this test. The command is one trace: the mutation, the downlink record
 * (traceparent in its Kafka headers), the ingest that consumed it, the execution on the owning ingest with the CoAP
 * request to the device, the outcome records and the gateway storing them.
 */
import { tokenOf } from '../../apps/gateway/test/support/keycloak-tokens';
import { CommandsWorld, eventually, gql } from './support/commands-world';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';

jest.setTimeout(180_000);

/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

describe('a device command is one trace from the GraphQL mutation to the device and back', () => {
  const receiver = new OtlpReceiver();
  const world = new CommandsWorld();
  let operator: string;

  beforeAll(async () => {
    await receiver.start();
    await world.start({
      responseTimeoutMs: 4000,
      awakeWindowS: 1,
      env: { TRACING_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    operator = await tokenOf('lyon-operator');
  });

  afterAll(async () => {
    await world.cleanup();
    await receiver.close();
  });

  it('traces writeResource through gateway, both ingests, the device and the outcome', async () => {
    const [device] = await world.provision(1, { kind: 'trace' });
    const lamp = await world.lamp(device!.endpoint, { port: world.ingests[0]!.coapPort });
    const issued = await gql<{ writeResource: { id: string } }>(
      world.gatewayUrl,
      operator,
      `mutation($d: ID!) { writeResource(deviceId: $d, path: "/3416/0/1", value: 42) { id } }`,
      { d: device!.id },
    );
    expect(issued.errors).toEqual([]);
    const id = issued.data!.writeResource.id;
    const done = await eventually(
      () =>
        gql<{ command: { status: string } | null }>(
          world.gatewayUrl,
          operator,
          'query($id: ID!) { command(id: $id) { status } }',
          { id },
        ),
      (r) => r.data?.command?.status === 'SUCCEEDED',
    );
    expect(done.data?.command?.status).toBe('SUCCEEDED');
    expect(lamp.writes).toEqual([42]);

    // The processes export in batches (every 2 s): wait for both outcomes to be stored in the gateway's trace.
    const resultProcess = `process ${world.topics.result}`;
    const root = await eventually(
      async () =>
        receiver.spans.find((s) => s.attributes['smartcity.command.id'] === id && s.kind === SERVER),
      (s) => !!s && receiver.trace(s.traceId).filter((t) => t.name === resultProcess).length >= 2,
      30_000,
    );
    expect(root).toBeDefined();
    const trace = receiver.trace(root!.traceId);
    const one = (match: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
      const found = trace.filter(match);
      if (found.length !== 1) throw new Error(`${what}: ${found.length} spans in ${JSON.stringify(trace)}`);
      return found[0]!;
    };

    expect(root).toMatchObject({
      service: 'gateway',
      name: 'GraphQL mutation command',
      parentSpanId: undefined,
    });
    const downlinkSend = one((s) => s.name === `send ${world.topics.downlink}`, 'gateway send');
    expect(downlinkSend).toMatchObject({ service: 'gateway', kind: PRODUCER, parentSpanId: root!.spanId });
    const downlinkProcess = one((s) => s.name === `process ${world.topics.downlink}`, 'ingest consume');
    expect(downlinkProcess).toMatchObject({
      service: 'coap-ingest',
      kind: CONSUMER,
      parentSpanId: downlinkSend.spanId,
    });
    const execution = one((s) => s.name.startsWith('downlink '), 'execution');
    expect(execution).toMatchObject({ service: 'coap-ingest', parentSpanId: downlinkProcess.spanId });
    expect(execution.attributes['smartcity.command.id']).toBe(id);
    const coap = one((s) => s.kind === CLIENT && s.name.startsWith('CoAP '), 'CoAP request to the device');
    expect(coap).toMatchObject({ service: 'coap-ingest', parentSpanId: execution.spanId });
    expect(coap.attributes['coap.response.code']).toBe('2.04');
    expect(coap.attributes['lwm2m.endpoint']).toBe(device!.endpoint);

    // SENT and the final outcome: two records back, each continued by the gateway's consumer.
    const resultSends = trace.filter((s) => s.name === `send ${world.topics.result}`);
    expect(resultSends).toHaveLength(2);
    for (const send of resultSends) {
      expect(send).toMatchObject({ service: 'coap-ingest', kind: PRODUCER, parentSpanId: execution.spanId });
      const stored = one((s) => s.name === resultProcess && s.parentSpanId === send.spanId, 'outcome stored');
      expect(stored).toMatchObject({ service: 'gateway', kind: CONSUMER });
    }
    expect(
      trace
        .filter((s) => s.name === resultProcess)
        .map((s) => s.attributes['smartcity.command.status'])
        .sort(),
    ).toEqual(['completed', 'sent']);
    expect(trace.every((s) => s.status !== 2)).toBe(true);
  });
});
