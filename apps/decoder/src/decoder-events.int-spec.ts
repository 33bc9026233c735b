import { cityEventsTopic, cityTelemetryTopic } from '@smartcity/platform-contracts';
import { ensureTopics, KafkaConsumer } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { closeRedis, createRedis } from '@smartcity/platform-redis';
import { ConfigResourceTypes } from 'kafkajs';
import { DecoderHarness } from './testing/decoder-harness';
import { senmlSend } from './testing/uplinks';

jest.setTimeout(120_000);

/** Event types on a topic, read from the beginning until `idle` ms pass without a new message. */
async function eventTypes(h: DecoderHarness, topic: string, idle = 3000): Promise<string[]> {
  const types: string[] = [];
  const consumer = new KafkaConsumer(h.kafka, {
    groupId: `test-events-${h.run}-${Date.now()}`,
    topics: [topic],
    fromBeginning: true,
  });
  let last = Date.now();
  void consumer.start(async (batch, control) => {
    for (const m of batch.messages) {
      types.push((JSON.parse(m.value!.toString()) as { type: string }).type);
      control.markDone(m.offset);
    }
    last = Date.now();
  });
  const started = Date.now();
  while (Date.now() - last < idle || (types.length === 0 && Date.now() - started < 30_000)) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await consumer.stop();
  return types;
}

describe('decoder events when a batch is retried after its rows committed', () => {
  const h = new DecoderHarness();
  const tenant = h.tenant('events');
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
    await h.cleanup();
  });

  it('publishes alarm.raised and alarm.cleared once the partner topics take messages again', async () => {
    await h.createTenant(tenant);
    await h.createTopics(1);
    const dev = await h.createDevice(tenant, 'battery');
    // The tenant's partner topics refuse every message: the batch's rows commit, its partner publish fails, the
    // pipeline retries the whole batch (idempotent statements, which change nothing the second time).
    const partnerTopics = [cityTelemetryTopic(tenant), cityEventsTopic(tenant)];
    await ensureTopics(
      h.kafka,
      partnerTopics.map((topic) => ({ topic, partitions: 1, configs: { 'max.message.bytes': '16' } })),
    );
    const redis = createRedis({
      url: 'redis://127.0.0.1:6379',
      logger: createLogger({ app: 'test', level: 'silent' }),
    });
    const live: string[] = [];
    cleanups.push(() => closeRedis(redis));
    await redis.subscribe(`tenant:${tenant}:alarms`);
    redis.on('message', (_channel: string, message: string) => live.push(message));

    const t0 = Math.floor(Date.now() / 1000) - 600;
    // One Send: low battery at t0, back to normal at t0 + 60 (one alarm raised and cleared in one transaction).
    await h.produce([
      senmlSend(dev, [
        { n: '/3411/0/6', t: t0, vb: true },
        { n: '/3411/0/6', t: t0 + 60, vb: false },
      ]),
    ]);
    const decoder = await h.startDecoder({ DECODER_RETRY_MAX_MS: '300', DECODER_PRODUCE_TIMEOUT_MS: '2000' });
    await h.waitFor(
      () =>
        h.count("SELECT count(*) AS n FROM alarms WHERE device_id = $1 AND status = 'CLEARED'", [
          dev.deviceId,
        ]),
      (n) => n === 1,
    );
    await h.waitFor(
      async () => (await decoder.service.metrics.retries.get()).values.reduce((n, v) => n + v.value, 0),
      (n) => n >= 2,
    );
    const admin = h.kafka.kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: partnerTopics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
      })),
    });
    await admin.disconnect();
    await h.waitFor(
      () => h.lag(decoder.config.DECODER_GROUP_ID),
      (lag) => lag === 0,
    );
    await decoder.stop();

    expect((await eventTypes(h, cityEventsTopic(tenant))).sort()).toEqual(['alarm.cleared', 'alarm.raised']);
    await h.waitFor(
      async () => live.length,
      (n) => n >= 2,
      10_000,
    );
    expect(live.map((m) => (JSON.parse(m) as { type: string }).type).sort()).toEqual([
      'alarm.cleared',
      'alarm.raised',
    ]);
  });
});
