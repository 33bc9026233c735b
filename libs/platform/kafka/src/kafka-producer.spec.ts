import { createLogger } from '@smartcity/platform-observability';
import { jsonContract } from '@smartcity/platform-contracts';
import { z } from 'zod';
import { type KafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { KafkaErrorCode } from './kafka.errors';

interface SentRequest {
  topicMessages: {
    topic: string;
    messages: { key: string; value: Buffer; headers?: Record<string, string> }[];
  }[];
  acks: number;
}

/** A stand-in for the kafkajs producer: records requests, answers when the test says so. */
function fakeClient() {
  const requests: SentRequest[] = [];
  const answers: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let producerConfig: Record<string, unknown> = {};
  const producer = {
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: (req: SentRequest) => {
      requests.push(req);
      return new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
    },
  };
  const client = {
    logger: createLogger({ app: 'test', level: 'silent' }),
    kafka: {
      producer: (config: Record<string, unknown>) => {
        producerConfig = config;
        return producer;
      },
    },
  } as unknown as KafkaClient;
  return { client, requests, answers, config: () => producerConfig };
}

const msg = (key: string) => ({ key, value: Buffer.from(key) });
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('KafkaProducer', () => {
  it('is idempotent with acks=all and one request in flight', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client);
    await producer.connect();
    expect(fake.config()).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    const sent = producer.send('t', [msg('a')]);
    await tick();
    expect(fake.requests[0]!.acks).toBe(-1);
    fake.answers[0]!.resolve();
    await sent;
    await producer.close();
  });

  it('coalesces concurrent sends into one request and resolves each only after the acknowledgement', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client, { lingerMs: 2 });
    await producer.connect();
    let resolved = 0;
    const sends = ['a', 'b', 'c'].map((k) =>
      producer.send(k === 'c' ? 'other' : 't', [msg(k)]).then(() => resolved++),
    );
    await tick();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.topicMessages.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ['t', ['a', 'b']],
      ['other', ['c']],
    ]);
    expect(resolved).toBe(0);
    fake.answers[0]!.resolve();
    await Promise.all(sends);
    expect(resolved).toBe(3);
    await producer.close();
  });

  it('queues sends made while a request is in flight and sends them next, in order', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client, { lingerMs: 1 });
    await producer.connect();
    const first = producer.send('t', [msg('1')]);
    await tick();
    const second = producer.send('t', [msg('2')]);
    const third = producer.send('t', [msg('3')]);
    await tick();
    expect(fake.requests).toHaveLength(1);
    fake.answers[0]!.resolve();
    await first;
    await tick();
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.topicMessages[0]!.messages.map((m) => m.key)).toEqual(['2', '3']);
    fake.answers[1]!.resolve();
    await Promise.all([second, third]);
    await producer.close();
  });

  it('splits batches at maxBatchMessages', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client, { lingerMs: 50, maxBatchMessages: 2 });
    await producer.connect();
    const sends = ['a', 'b', 'c'].map((k) => producer.send('t', [msg(k)]));
    await tick();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.topicMessages[0]!.messages).toHaveLength(2);
    fake.answers[0]!.resolve();
    await tick(60);
    fake.answers[1]!.resolve();
    await Promise.all(sends);
    await producer.close();
  });

  it('splits batches at maxBatchBytes but sends an oversized message alone', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client, { lingerMs: 1, maxBatchBytes: 100 });
    await producer.connect();
    const big = { key: 'k', value: Buffer.alloc(150) };
    const small = { key: 'k', value: Buffer.alloc(40) };
    const sends = [producer.send('t', [big]), producer.send('t', [small]), producer.send('t', [small])];
    await tick();
    expect(fake.requests[0]!.topicMessages[0]!.messages).toHaveLength(1);
    fake.answers[0]!.resolve();
    await tick();
    expect(fake.requests[1]!.topicMessages[0]!.messages).toHaveLength(2);
    fake.answers[1]!.resolve();
    await Promise.all(sends);
    await producer.close();
  });

  it('rejects with KAFKA_UNAVAILABLE when the request fails, and reports unhealthy', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client);
    await producer.connect();
    const sent = producer.send('t', [msg('a')]);
    await tick();
    fake.answers[0]!.reject(new Error('Connection error: ECONNREFUSED'));
    await expect(sent).rejects.toMatchObject({ code: KafkaErrorCode.Unavailable });
    expect(producer.isHealthy()).toBe(false);
    await producer.close();
  });

  it('rejects in-flight and queued sends at their deadline and drops the queued ones', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client, { sendTimeoutMs: 80, lingerMs: 1 });
    await producer.connect();
    const inFlight = producer.send('t', [msg('a')]);
    await tick();
    const queued = producer.send('t', [msg('b')]);
    await expect(inFlight).rejects.toMatchObject({ code: KafkaErrorCode.Unavailable });
    await expect(queued).rejects.toMatchObject({ code: KafkaErrorCode.Unavailable });
    fake.answers[0]!.resolve(); // the broker finally answers the hung request
    await tick();
    expect(fake.requests).toHaveLength(1); // 'b' was dropped, not written after its caller gave up
    await producer.close();
  });

  it('encodes typed messages with their contract and a schema-version header', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client);
    await producer.connect();
    const contract = jsonContract('test', z.object({ n: z.number() }));
    const sent = producer.sendTyped('t', contract, [{ key: 'k', value: { n: 7 } }], 3);
    await tick();
    const m = fake.requests[0]!.topicMessages[0]!.messages[0]!;
    expect(JSON.parse(m.value.toString())).toEqual({ n: 7 });
    expect(m.headers).toEqual({ 'schema-version': '3' });
    fake.answers[0]!.resolve();
    await sent;
    await producer.close();
  });

  it('flushes queued messages on close and refuses sends afterwards', async () => {
    const fake = fakeClient();
    const producer = new KafkaProducer(fake.client, { lingerMs: 1000 });
    await producer.connect();
    const sent = producer.send('t', [msg('a')]);
    const closing = producer.close();
    await tick();
    expect(fake.requests).toHaveLength(1);
    fake.answers[0]!.resolve();
    await sent;
    await closing;
    await expect(producer.send('t', [msg('b')])).rejects.toMatchObject({ code: KafkaErrorCode.Closed });
  });
});
