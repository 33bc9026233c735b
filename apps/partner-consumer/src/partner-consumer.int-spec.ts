import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { type PartnerConsumerOptions } from './config/partner-consumer.config';
import { PartnerConsumer, type PartnerMessage, type SkippedMessage } from './partner-consumer';

// The example partner consumer against the local stack's broker: what it reads, what it skips, and replay by time.
const BROKERS = ['127.0.0.1:9092'];

describe('partner consumer example against the local broker', () => {
  const tenant = `pc${randomBytes(4).toString('hex')}`;
  const topic = `city.${tenant}.telemetry.v1`;
  const kafka = new Kafka({
    clientId: 'partner-consumer-test',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let producer: Producer;
  const base = Date.now() - 60_000;
  const options = (groupId: string, extra: Partial<PartnerConsumerOptions> = {}): PartnerConsumerOptions => ({
    brokers: BROKERS,
    tenant,
    topics: ['telemetry'],
    groupId,
    clientId: 'partner-consumer-test',
    ...extra,
  });

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    producer = kafka.producer();
    await producer.connect();
    // Three readable messages one second apart (broker timestamps set by the producer), one of another schema
    // version and one that is not JSON: all on one key so their order is known.
    const headers = {
      'schema-version': '1',
      'content-type': 'application/json',
      'message-type': 'telemetry',
    };
    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...[0, 1, 2].map((i) => ({
          key: 'device-a',
          value: JSON.stringify({ id: `m${i}` }),
          headers,
          timestamp: String(base + i * 1000),
        })),
        {
          key: 'device-a',
          value: '{"id":"v2"}',
          headers: { ...headers, 'schema-version': '2' },
          timestamp: String(base + 3000),
        },
        { key: 'device-a', value: 'not json', headers, timestamp: String(base + 4000) },
      ],
    });
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  /** Runs a consumer until it has seen `count` messages plus skips, then stops it (committing). */
  async function consume(consumerOptions: PartnerConsumerOptions, count: number) {
    const consumer = new PartnerConsumer(consumerOptions);
    const messages: PartnerMessage[] = [];
    const skipped: SkippedMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      const check = () => messages.length + skipped.length >= count && resolve();
      consumer
        .start({
          onMessage: (m) => {
            messages.push(m);
            check();
          },
          onSkipped: (s) => {
            skipped.push(s);
            check();
          },
        })
        .catch(reject);
    });
    await consumer.stop();
    return { messages, skipped };
  }

  it('reads the city telemetry in order with key, type and payload, and reports what it cannot read', async () => {
    const { messages, skipped } = await consume(options(`partner-a-${tenant}`), 5);
    expect(messages.map((m) => (m.payload as { id: string }).id)).toEqual(['m0', 'm1', 'm2']);
    expect(messages[0]).toMatchObject({ topic, key: 'device-a', messageType: 'telemetry', timestamp: base });
    expect(skipped.map((s) => s.reason)).toEqual(['schema-version 2, expected 1', 'payload is not JSON']);
  });

  it('replays from a time: the group reads again from the first message at or after it', async () => {
    const groupId = `partner-b-${tenant}`;
    await consume(options(groupId), 5);
    const again = await consume(options(groupId, { replayFrom: base + 1000 }), 4);
    expect(again.messages.map((m) => (m.payload as { id: string }).id)).toEqual(['m1', 'm2']);
    const fromStart = await consume(options(groupId, { replayFrom: 'earliest' }), 5);
    expect(fromStart.messages.map((m) => (m.payload as { id: string }).id)).toEqual(['m0', 'm1', 'm2']);
  });

  it('refuses to move the offsets of a group that has a running member', async () => {
    const groupId = `partner-c-${tenant}`;
    const running = new PartnerConsumer(options(groupId));
    const seen: PartnerMessage[] = [];
    await running.start({ onMessage: (m) => void seen.push(m) });
    try {
      await expect(new PartnerConsumer(options(groupId)).replay('earliest')).rejects.toThrow(
        /no running instances/,
      );
    } finally {
      await running.stop();
    }
  });
});
