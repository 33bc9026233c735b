import { randomBytes } from 'node:crypto';
import { cityEventsTopic, cityTelemetryTopic, TOPICS } from '@smartcity/platform-contracts';
import {
  alterScramCredentials,
  deletePrincipalAcls,
  ensureTopics,
  grantPlatformAcls,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  PLATFORM_NAMES,
  platformServiceAcls,
  scramPrincipal,
} from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { DecoderHarness } from './testing/decoder-harness';
import { senmlSend } from './testing/uplinks';

jest.setTimeout(120_000);

// The decoder with its own principal over the local stack's SASL/SCRAM listener (9094, StandardAuthorizer): the
// ACLs of platformServiceAcls('decoder') are enough to decode and publish, and the broker refuses the rest.
const SASL_BROKERS = '127.0.0.1:9094';

/** The Kafka error types of a refusal (kafkajs protocol errors, also inside an aggregate or our KafkaError). */
async function refusal(operation: Promise<unknown>): Promise<string[]> {
  try {
    await operation;
  } catch (err) {
    const e = err as { type?: string; errors?: { type?: string }[]; cause?: { type?: string } };
    return [e.type, e.cause?.type, ...(e.errors ?? []).map((x) => x.type)].filter((t): t is string => !!t);
  }
  return ['accepted'];
}

describe('decoder with its least-privilege principal', () => {
  const h = new DecoderHarness();
  const tenant = h.tenant('principal');
  const user = `svc-decoder-${h.run}`;
  const password = randomBytes(24).toString('base64url');
  const group = `test-decoder-principal-${h.run}`;
  const acls = platformServiceAcls('decoder', {
    ...PLATFORM_NAMES,
    uplink: h.uplinkTopic,
    uplinkDlq: h.dlqTopic,
    decoderGroup: group,
  });
  const asDecoder = new KafkaClient({
    clientId: user,
    brokers: [SASL_BROKERS],
    logger: createLogger({ app: 'decoder-principal-test', level: 'silent' }),
    authentication: { sasl: { mechanism: 'scram-sha-512', username: user, password } },
  });

  beforeAll(async () => {
    await h.createTenant(tenant);
    await h.createTopics(1);
    await ensureTopics(h.kafka, [
      { topic: cityTelemetryTopic(tenant), partitions: 1 },
      { topic: cityEventsTopic(tenant), partitions: 1 },
    ]);
    await alterScramCredentials(h.kafka, { upsert: [{ user, password }] });
    await grantPlatformAcls(h.kafka, scramPrincipal(user), acls);
  });

  afterAll(async () => {
    await deletePrincipalAcls(h.kafka, scramPrincipal(user)).catch(() => undefined);
    await alterScramCredentials(h.kafka, { delete: [user], ignoreMissing: true }).catch(() => undefined);
    await h.cleanup();
  });

  it('decodes an uplink into a row and publishes it on the city topic with only its ACLs', async () => {
    const dev = await h.createDevice(tenant, 'meter');
    await h.produce([senmlSend(dev, [{ n: '/3424/0/1', t: Math.floor(Date.now() / 1000) - 60, v: 12.5 }])]);
    const decoder = await h.startDecoder({
      DECODER_GROUP_ID: group,
      KAFKA_BROKERS: SASL_BROKERS,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD: password,
    });
    try {
      await h.waitFor(
        () => h.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [dev.deviceId]),
        (n) => n === 1,
      );
      const published: string[] = [];
      const consumer = new KafkaConsumer(h.kafka, {
        groupId: `test-principal-read-${h.run}`,
        topics: [cityTelemetryTopic(tenant)],
        fromBeginning: true,
      });
      void consumer.start(async (batch, control) => {
        for (const m of batch.messages) {
          published.push(m.value?.toString() ?? '');
          control.markDone(m.offset);
        }
      });
      await h.waitFor(
        async () => published.length,
        (n) => n === 1,
        30_000,
      );
      await consumer.stop();
      expect(JSON.parse(published[0] as string)).toMatchObject({ deviceId: dev.deviceId, tenant });
    } finally {
      await decoder.stop();
    }
  });

  it('is refused by the broker what its ACLs do not grant', async () => {
    const producer = new KafkaProducer(asDecoder, { lingerMs: 0 });
    await producer.connect();
    try {
      // It reads uplinks, never writes them; commands are the gateway's.
      for (const topic of [h.uplinkTopic, TOPICS.downlink]) {
        await expect(producer.send(topic, [{ key: 'k', value: Buffer.from('{}') }])).rejects.toThrow(
          /authoriz/i,
        );
      }
    } finally {
      await producer.close();
    }
    const admin = asDecoder.kafka.admin();
    await admin.connect();
    try {
      await expect(
        refusal(admin.createTopics({ topics: [{ topic: `test.principal.${h.run}`, numPartitions: 1 }] })),
      ).resolves.toContain('TOPIC_AUTHORIZATION_FAILED');
      await expect(refusal(admin.deleteTopics({ topics: [h.uplinkTopic] }))).resolves.toContain(
        'TOPIC_AUTHORIZATION_FAILED',
      );
    } finally {
      await admin.disconnect();
    }
    // Another group than its own: FindCoordinator is refused (GROUP_AUTHORIZATION_FAILED, which kafkajs reports as
    // "Failed to find group coordinator"), while its own group joins at once: the difference is the ACL.
    const joins = async (groupId: string): Promise<string> => {
      const consumer = asDecoder.kafka.consumer({
        groupId,
        retry: { retries: 0, restartOnFailure: async () => false },
      });
      const outcome = new Promise<string>((resolve) => {
        consumer.on(consumer.events.CRASH, (event) => resolve((event.payload.error as Error).name));
        consumer.on(consumer.events.GROUP_JOIN, () => resolve('joined'));
      });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [h.uplinkTopic], fromBeginning: false });
        await consumer.run({ eachMessage: async () => undefined });
        return await outcome;
      } finally {
        await consumer.disconnect();
      }
    };
    await expect(joins(`not-the-decoder-${h.run}`)).resolves.toBe('KafkaJSGroupCoordinatorNotFound');
    await expect(joins(group)).resolves.toBe('joined');
  });
});
