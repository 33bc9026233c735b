// Smoke test of the local stack's Kafka broker (deploy/local/stack up) through kafkajs: topic administration,
// produce, and consume through a consumer group. Names are unique per run so concurrent runs do not collide.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer, type Admin } from 'kafkajs';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

jest.setTimeout(90_000);

describe('local stack: Kafka', () => {
  const runId = randomBytes(4).toString('hex');
  const topic = `stack-smoke.${runId}.v1`;
  const groupId = `stack-smoke-${runId}`;
  const kafka = new Kafka({ clientId: `stack-smoke-${runId}`, brokers: BROKERS, logLevel: logLevel.ERROR });
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    // Clean up after a failed test too (the last test deletes the topic when all went well).
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  });

  it('has automatic topic creation disabled on the broker', async () => {
    const cluster = await admin.describeCluster();
    const broker = cluster.brokers[0];
    expect(broker).toBeDefined();
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 4 /* BROKER */, name: String(broker?.nodeId), configNames: ['auto.create.topics.enable'] },
      ],
    });
    const entry = configs.resources[0]?.configEntries.find(
      (e) => e.configName === 'auto.create.topics.enable',
    );
    expect(entry?.configValue).toBe('false');
  });

  it('creates a topic, produces a message and consumes it through a consumer group', async () => {
    await expect(
      admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] }),
    ).resolves.toBe(true);
    expect(await admin.listTopics()).toContain(topic);

    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = `hello-${runId}`;
    await producer.send({ topic, messages: [{ key: 'device-1', value }] });

    consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = new Promise<{ key: string; value: string; partition: number }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          resolve({ key: String(message.key), value: String(message.value), partition });
        },
      });
    });
    const message = await received;
    expect(message).toMatchObject({ key: 'device-1', value });

    // The group committed its position: the broker knows the group and its offset on that partition.
    await consumer.commitOffsets([{ topic, partition: message.partition, offset: '1' }]);
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.find((p) => p.partition === message.partition);
    expect(committed?.offset).toBe('1');
  });

  it('deletes the topic it created', async () => {
    await consumer?.disconnect();
    await admin.deleteGroups([groupId]);
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
