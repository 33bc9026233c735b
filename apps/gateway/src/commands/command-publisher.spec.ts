import { type DownlinkRequest } from '@smartcity/platform-contracts';
import { type KafkaClient } from '@smartcity/platform-kafka';
import {
  createLogger,
  createTracing,
  InMemorySpanExporter,
  withSpan,
} from '@smartcity/platform-observability';
import { type GatewayConfig } from '../config/gateway.config';
import { CommandPublisher } from './command-publisher';
import { type CommandEvent } from './command.mapping';
import { type CommandsConfig } from './commands.config';

// NestJS 12 is ESM-only, which Jest cannot load: its decorators do nothing here. Topics exist (no admin client).
jest.mock('@nestjs/common', () => ({ Injectable: () => () => undefined, Inject: () => () => undefined }));
jest.mock('@smartcity/platform-kafka', () => ({
  ...jest.requireActual<object>('@smartcity/platform-kafka'),
  ensureTopics: () => Promise.resolve(),
}));

type Sent = { topicMessages: { topic: string; messages: { headers?: Record<string, string> }[] }[] };

/** kafkajs producers that acknowledge at once and keep what they were sent (one list for all of them). */
function fakeClient() {
  const requests: Sent[] = [];
  const producer = () => ({
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => undefined,
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    sendBatch: (req: Sent) => {
      requests.push(req);
      return Promise.resolve();
    },
  });
  const client = {
    logger: createLogger({ app: 'test', level: 'silent' }),
    kafka: { producer },
  } as unknown as KafkaClient;
  return { client, requests };
}

const headersOn = (requests: Sent[], topic: string) =>
  requests.flatMap((r) =>
    r.topicMessages.filter((t) => t.topic === topic).flatMap((t) => t.messages.map((m) => m.headers ?? {})),
  );

describe('CommandPublisher trace context', () => {
  it('puts a traceparent on lwm2m.downlink.v1 requests, none on the partner events of city.<tenant>.events.v1', async () => {
    const fake = fakeClient();
    const tracing = createTracing({
      enabled: true,
      serviceName: 'gateway',
      exporter: new InMemorySpanExporter(),
    });
    const publisher = new CommandPublisher(
      fake.client,
      { COMMANDS_DOWNLINK_TOPIC: 'lwm2m.downlink.v1', COMMANDS_PARTNER_EVENTS: 'true' } as CommandsConfig,
      { TENANT_TOPIC_PARTITIONS: 1, TENANT_TOPIC_REPLICATION: 1 } as GatewayConfig,
      createLogger({ app: 'test', level: 'silent' }),
      tracing,
    );
    await publisher.onModuleInit();
    const request: DownlinkRequest = {
      v: 1,
      id: 'c1',
      tenant: 'lyon',
      endpoint: 'lamp-1',
      operation: { op: 'read', path: '/3/0/0' },
      issuedAt: 1,
      deadline: 2,
    };
    const event = { id: 'c1:SENT', type: 'command.updated', tenant: 'lyon', deviceId: 'd1' } as CommandEvent;
    await withSpan(tracing, 'mutation', {}, async () => {
      await publisher.send([request]);
      await publisher.events('lyon', [event]);
    });
    const [downlink] = headersOn(fake.requests, 'lwm2m.downlink.v1');
    expect(downlink!['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const events = headersOn(fake.requests, 'city.lyon.events.v1');
    expect(events).toHaveLength(1);
    expect(events[0]).not.toHaveProperty('traceparent');
    expect(events[0]).not.toHaveProperty('tracestate');
    await publisher.onModuleDestroy();
  });
});
