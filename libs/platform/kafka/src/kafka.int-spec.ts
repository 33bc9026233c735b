import { randomBytes } from 'node:crypto';
import { createLogger } from '@smartcity/platform-observability';
import { KafkaClient } from './kafka-client';
import { deleteTopics, ensureTopics } from './kafka-admin';
import { type ConsumedMessage, KafkaConsumer } from './kafka-consumer';
import { KafkaProducer } from './kafka-producer';

/** The local stack's broker (deploy/local). */
const BROKERS = ['127.0.0.1:9092'];

describe('platform kafka against the local broker', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `test.kafka-lib.${run}`;
  const client = new KafkaClient({
    clientId: `kafka-lib-test-${run}`,
    brokers: BROKERS,
    logger: createLogger({ app: 'kafka-int-test', level: 'silent' }),
  });

  afterAll(async () => {
    await deleteTopics(client, [topic]).catch(() => undefined);
  });

  it('ensureTopics creates a topic, is idempotent and grows partitions', async () => {
    await ensureTopics(client, [{ topic, partitions: 2 }]);
    await ensureTopics(client, [{ topic, partitions: 2 }]);
    await ensureTopics(client, [{ topic, partitions: 3 }]);
    const admin = client.kafka.admin();
    await admin.connect();
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(md.topics[0]!.partitions).toHaveLength(3);
  });

  it('delivers produced messages in per-key order and redelivers only what was not marked done', async () => {
    const producer = new KafkaProducer(client, { lingerMs: 2 });
    await producer.connect();
    const keys = ['k1', 'k2', 'k3'];
    // 60 concurrent sends: coalesced into few requests, order per key preserved.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        producer.send(topic, [{ key: keys[i % 3]!, value: Buffer.from(String(i)) }]),
      ),
    );
    await producer.close();

    const groupId = `kafka-lib-test-${run}`;
    const value = (m: ConsumedMessage) => Number(m.value!.toString());
    // First member: marks done the values below 30 and stops at the first other one of each batch.
    const marked = new Set<number>();
    const firstSeenOrder = new Map<string, number[]>();
    const consumer = new KafkaConsumer(client, { groupId, topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.start(async (batch, control) => {
        for (const m of batch.messages) {
          if (value(m) >= 30) break;
          if (!marked.has(value(m))) {
            marked.add(value(m));
            firstSeenOrder.set(m.key!, [...(firstSeenOrder.get(m.key!) ?? []), value(m)]);
          }
          control.markDone(m.offset);
        }
        if (marked.size === 30) resolve();
      });
    });
    await consumer.stop();
    for (const key of keys) {
      const values = firstSeenOrder.get(key)!;
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }

    // A second member of the same group starts after the committed offsets: exactly the unmarked ones.
    const again: number[] = [];
    const consumer2 = new KafkaConsumer(client, { groupId, topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer2.start(async (batch, control) => {
        for (const m of batch.messages) {
          again.push(value(m));
          control.markDone(m.offset);
        }
        if (again.length >= 30) resolve();
      });
    });
    await consumer2.stop();
    expect(again.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 30));
  });
});
