import { randomBytes, randomUUID } from 'node:crypto';
import { cityEventsTopic, type DownlinkResult, downlinkResultContract } from '@smartcity/platform-contracts';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import {
  deleteTopics,
  ensureTopics,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
} from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { createRedis } from '@smartcity/platform-redis';
import { ConfigResourceTypes } from 'kafkajs';
import { type RunningGateway, startGateway } from '../../test/support/gateway-process';

jest.setTimeout(120_000);

const eventually = async <T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * The gateway's command outcome consumer (a real gateway process: NestJS is ESM-only, which Jest cannot load) when
 * the tenant's partner topic refuses messages at first: the outcome is stored at once, its command.updated event
 * must still reach `city.<tenant>.events.v1` once the topic takes messages (issue 16, finding 1).
 */
describe('command outcomes when the partner topic does not take them at first', () => {
  const run = randomBytes(4).toString('hex');
  const tenant = `cmd-${run}`;
  const logger = createLogger({ app: 'test', level: 'silent' });
  const owner = createPool({
    connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
    applicationName: 'command-results-test-owner',
    max: 2,
  });
  const kafka = new KafkaClient({
    clientId: `command-results-test-${run}`,
    brokers: ['127.0.0.1:9092'],
    logger,
  });
  const resultTopic = `test.command-results.${run}`;
  const eventsTopic = cityEventsTopic(tenant);
  const redis = createRedis({ url: 'redis://127.0.0.1:6379', logger });
  const producer = new KafkaProducer(kafka, { sendTimeoutMs: 10_000 });
  let gateway: RunningGateway | undefined;
  let reader: KafkaConsumer | undefined;

  afterAll(async () => {
    await reader?.stop().catch(() => undefined);
    await gateway?.stop();
    await producer.close().catch(() => undefined);
    await deleteTopics(kafka, [resultTopic, eventsTopic]).catch(() => undefined);
    await new TenantAdminRepository(owner).delete(tenant).catch(() => undefined);
    await owner.end();
    redis.disconnect();
  });

  it('publishes command.updated once the topic takes messages again, though Kafka redelivered the outcome', async () => {
    await new TenantAdminRepository(owner).create({ id: tenant, name: 'Commands test' });
    const { rows } = await owner.query<{ id: string }>(
      'INSERT INTO devices (tenant_id, endpoint, name) VALUES ($1, $2, $2) RETURNING id',
      [tenant, `${tenant}-lamp`],
    );
    const id = randomUUID();
    await owner.query(
      `INSERT INTO commands (id, tenant_id, device_id, type, request, issued_by, deadline)
       VALUES ($1, $2, $3, 'execute', $4, 'test', now() + interval '1 hour')`,
      [id, tenant, rows[0]!.id, JSON.stringify({ endpoint: `${tenant}-lamp`, operation: { op: 'execute' } })],
    );
    await ensureTopics(kafka, [
      { topic: resultTopic, partitions: 1 },
      { topic: eventsTopic, partitions: 1, configs: { 'max.message.bytes': '16' } },
    ]);
    const live: string[] = [];
    await redis.subscribe(`tenant:${tenant}:commands`);
    redis.on('message', (_channel: string, message: string) => live.push(message));
    gateway = await startGateway({
      COMMANDS_RESULT_TOPIC: resultTopic,
      COMMANDS_RESULT_GROUP_ID: `test-command-results-${run}`,
    });

    const result: DownlinkResult = {
      v: 1,
      id,
      tenant,
      endpoint: `${tenant}-lamp`,
      op: 'execute',
      status: 'completed',
      coapCode: '2.04',
      instanceId: 'test-ingest',
      completedAt: Date.now(),
    };
    await producer.connect();
    // Twice: a redelivery (offset not committed before a rebalance) finds the row already SUCCEEDED.
    for (let i = 0; i < 2; i++) {
      await producer.sendTyped(resultTopic, downlinkResultContract, [{ key: `${tenant}/x`, value: result }]);
    }
    await eventually(
      async () =>
        (await owner.query<{ status: string }>('SELECT status FROM commands WHERE id = $1', [id])).rows,
      (r) => r[0]?.status === 'SUCCEEDED',
    );
    await new Promise((r) => setTimeout(r, 3000)); // the gateway tries to publish, and fails
    const admin = kafka.kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: eventsTopic,
          configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
        },
      ],
    });
    await admin.disconnect();

    const events: { id: string; type: string }[] = [];
    reader = new KafkaConsumer(kafka, {
      groupId: `test-reader-${run}`,
      topics: [eventsTopic],
      fromBeginning: true,
    });
    void reader.start(async (batch, control) => {
      for (const m of batch.messages) {
        events.push(JSON.parse(m.value!.toString()) as { id: string; type: string });
        control.markDone(m.offset);
      }
    });
    await eventually(
      () => events.length,
      (n) => n > 0,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.map((e) => [e.id, e.type])).toEqual([[`${id}:SUCCEEDED`, 'command.updated']]);
    expect(live.map((m) => (JSON.parse(m) as { status: string }).status)).toContain('SUCCEEDED');
    const pending = await owner.query('SELECT count(*)::int AS n FROM event_outbox WHERE tenant_id = $1', [
      tenant,
    ]);
    expect(pending.rows).toEqual([{ n: 0 }]);
  });
});
