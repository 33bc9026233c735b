/**
 * The platform's services with their own least-privilege principals (issue 21): coap-ingest and the decoder connect
 * to the local stack's SASL/SCRAM listener (9094, StandardAuthorizer) as two SCRAM users that have only the ACLs of
 * platformServiceAcls(), and a device's Register and Send still end as a row in TimescaleDB. The gateway's
 * principal is checked operation by operation against the broker: what it needs is allowed, the rest refused.
 */
import { randomBytes } from 'node:crypto';
import { CoapCode } from '@smartcity/coap';
import { cityEventsTopic, cityTelemetryTopic } from '@smartcity/platform-contracts';
import { TenantAdminRepository } from '@smartcity/platform-db';
import {
  alterScramCredentials,
  deletePrincipalAcls,
  deleteTopics,
  ensureTopics,
  grantPlatformAcls,
  KafkaClient,
  KafkaProducer,
  PLATFORM_NAMES,
  type PlatformNames,
  type PlatformService,
  platformServiceAcls,
  scramPrincipal,
} from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { DecoderHarness } from '../../apps/decoder/src/testing/decoder-harness';
import { IngestTestWorld } from '../../apps/coap-ingest/src/testing/ingest-harness';
import { TestDevice } from '../../apps/coap-ingest/src/testing/test-device';

jest.setTimeout(120_000);

const SASL_BROKERS = '127.0.0.1:9094';

/** The Kafka error types of a refusal: kafkajs protocol errors anywhere in the cause chain or an aggregate. */
async function refusal(operation: Promise<unknown>): Promise<string[]> {
  try {
    await operation;
  } catch (err) {
    const types: string[] = [];
    const walk = (e: unknown, depth: number) => {
      if (!e || typeof e !== 'object' || depth > 5) return;
      const x = e as { type?: unknown; cause?: unknown; errors?: unknown[] };
      if (typeof x.type === 'string') types.push(x.type);
      walk(x.cause, depth + 1);
      for (const inner of x.errors ?? []) walk(inner, depth + 1);
    };
    walk(err, 0);
    return types;
  }
  return ['accepted'];
}

describe('platform services with their own Kafka principals', () => {
  const world = new IngestTestWorld();
  const decoders = new DecoderHarness();
  const run = world.run;
  const names: PlatformNames = {
    ...PLATFORM_NAMES,
    uplink: world.topic,
    uplinkDlq: decoders.dlqTopic,
    downlink: `test.principals.${run}.downlink`,
    downlinkResult: `test.principals.${run}.downlink-result`,
    ingestDownlinkGroup: `test-principals-${run}-ingest`,
    decoderGroup: `test-principals-${run}-decoder`,
    gatewayResultGroup: `test-principals-${run}-gateway`,
  };
  const credentials = new Map<PlatformService, { user: string; password: string }>(
    (['coap-ingest', 'decoder', 'gateway'] as const).map((s) => [
      s,
      { user: `svc-${s}-${run}`, password: randomBytes(24).toString('base64url') },
    ]),
  );
  const sasl = (s: PlatformService) => {
    const c = credentials.get(s)!;
    return {
      KAFKA_BROKERS: SASL_BROKERS,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: c.user,
      KAFKA_SASL_PASSWORD: c.password,
    } as const;
  };
  const endpoint = `principal-${run}`;
  let device: TestDevice;

  beforeAll(async () => {
    const users = [...credentials.values()];
    await alterScramCredentials(world.kafka, { upsert: users });
    for (const [service, { user }] of credentials) {
      await grantPlatformAcls(world.kafka, scramPrincipal(user), platformServiceAcls(service, names));
    }
    await world.createTenant();
    // The city's partner topics exist with the city (the gateway creates them); the decoder only writes to them.
    await ensureTopics(world.kafka, [
      { topic: cityTelemetryTopic(world.tenant), partitions: 1 },
      { topic: cityEventsTopic(world.tenant), partitions: 1 },
    ]);
  });

  afterAll(async () => {
    device?.close();
    // The apps first (they still hold their principals' sessions), then the principals.
    await decoders.cleanup();
    await world.owner
      .query('DELETE FROM telemetry WHERE tenant_id = $1', [world.tenant])
      .catch(() => undefined);
    await new TenantAdminRepository(world.owner).delete(world.tenant).catch(() => undefined);
    await deleteTopics(world.kafka, [cityTelemetryTopic(world.tenant), cityEventsTopic(world.tenant)]).catch(
      () => undefined,
    );
    await world.cleanup();
    const admin = new KafkaClient({
      clientId: `principals-cleanup-${run}`,
      brokers: ['127.0.0.1:9092'],
      logger: createLogger({ app: 'principals-test', level: 'silent' }),
    });
    for (const { user } of credentials.values()) {
      await deletePrincipalAcls(admin, scramPrincipal(user)).catch(() => undefined);
    }
    await alterScramCredentials(admin, {
      delete: [...credentials.values()].map((c) => c.user),
      ignoreMissing: true,
    }).catch(() => undefined);
  });

  it('a Register and a Send through coap-ingest and the decoder, each with only its ACLs, end as a row', async () => {
    const deviceId = await world.provision(endpoint);
    const ingest = sasl('coap-ingest');
    const app = await world.startIngest({
      KAFKA_BROKERS: [ingest.KAFKA_BROKERS],
      KAFKA_SASL_MECHANISM: ingest.KAFKA_SASL_MECHANISM,
      KAFKA_SASL_USERNAME: ingest.KAFKA_SASL_USERNAME,
      KAFKA_SASL_PASSWORD: ingest.KAFKA_SASL_PASSWORD,
      DOWNLINK_TOPIC: names.downlink,
      DOWNLINK_RESULT_TOPIC: names.downlinkResult,
      DOWNLINK_GROUP_ID: names.ingestDownlinkGroup,
    });
    await decoders.startDecoder({
      ...sasl('decoder'),
      DECODER_UPLINK_TOPIC: world.topic,
      DECODER_UPLINK_PARTITIONS: '1',
      DECODER_FROM_BEGINNING: 'true',
      DECODER_GROUP_ID: names.decoderGroup,
    });
    device = new TestDevice(app.coapPort());
    await device.open();
    const registered = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1'],
      payload: '</3303/0>',
    });
    expect(registered.code).toBe(CoapCode.Created);
    const payload = Buffer.from(JSON.stringify([{ bn: '/3303/0/', n: '5700', v: 21.5 }]));
    const sent = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat: 110 });
    // 2.04 only once Kafka took the uplink (acks=all): the ingest's principal may write its topic.
    expect(sent.code).toBe(CoapCode.Changed);
    await decoders.waitFor(
      () => decoders.count('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [deviceId]),
      (n) => n === 1,
    );
  });

  it("the gateway's principal may send commands and manage city topics, and nothing of the ingest's side", async () => {
    const { user, password } = credentials.get('gateway')!;
    const gateway = new KafkaClient({
      clientId: user,
      brokers: [SASL_BROKERS],
      logger: createLogger({ app: 'principals-test', level: 'silent' }),
      authentication: { sasl: { mechanism: 'scram-sha-512', username: user, password } },
    });
    const city = `city.p${run}.telemetry.v1`;
    await ensureTopics(gateway, [
      { topic: names.downlink, partitions: 1 },
      { topic: city, partitions: 1 },
    ]);
    const producer = new KafkaProducer(gateway, { lingerMs: 0 });
    await producer.connect();
    const admin = gateway.kafka.admin();
    await admin.connect();
    try {
      await producer.send(names.downlink, [{ key: 'k', value: Buffer.from('{}') }]);
      await expect(
        refusal(producer.send(world.topic, [{ key: 'k', value: Buffer.from('{}') }])),
      ).resolves.toContain('TOPIC_AUTHORIZATION_FAILED');
      await expect(
        refusal(admin.createTopics({ topics: [{ topic: `lwm2m.other.${run}`, numPartitions: 1 }] })),
      ).resolves.toContain('TOPIC_AUTHORIZATION_FAILED');
      // A city's topics go with the city.
      await admin.deleteTopics({ topics: [city] });
      await expect(refusal(admin.deleteTopics({ topics: [names.downlink] }))).resolves.toContain(
        'TOPIC_AUTHORIZATION_FAILED',
      );
    } finally {
      await producer.close();
      await admin.disconnect();
      await world.kafka.kafka
        .admin()
        .deleteTopics({ topics: [names.downlink] })
        .catch(() => undefined);
    }
  });
});
