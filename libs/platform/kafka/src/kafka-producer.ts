import { type MessageContract, SCHEMA_VERSION_HEADER } from '@smartcity/platform-contracts';
import {
  activeContext,
  contextWithSpan,
  failSpan,
  SpanKind,
  TRACING_DISABLED,
  type Tracing,
} from '@smartcity/platform-observability';
import { CompressionTypes, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import { type KafkaClient } from './kafka-client';
import { KafkaError, KafkaErrorCode } from './kafka.errors';
import { sendAttributes } from './kafka-tracing';

/** One message to produce. `value` is already encoded (see `sendTyped` for contract-typed values). */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TypedOutgoingMessage<T> {
  readonly key: string;
  readonly value: T;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ProducerOptions {
  /** How long a send waits for more concurrent sends to join its request (ms). */
  readonly lingerMs?: number;
  /** Upper bound of messages in one produce request. */
  readonly maxBatchMessages?: number;
  /**
   * Upper bound of value bytes in one produce request (default 900 KiB, under the brokers' default 1 MiB
   * `message.max.bytes`): a record batch above a topic's limit fails the whole request. A single larger
   * message still goes, alone.
   */
  readonly maxBatchBytes?: number;
  /**
   * Deadline of a send (ms): when Kafka has not acknowledged by then the send rejects with
   * `KAFKA_UNAVAILABLE`, so a device can be told 5.03 before its own retransmission timer fires.
   * The message may still be written later: delivery is at-least-once.
   */
  readonly sendTimeoutMs?: number;
  /** Retries inside one produce request (kafkajs retrier) before it counts as failed. */
  readonly retries?: number;
  /** Observer of each produce request, for metrics. */
  readonly onRequest?: (event: { messages: number; durationMs: number; ok: boolean }) => void;
  /**
   * Tracing: each `send` gets a PRODUCER span `send <topic>`, child of the caller's active span, and its
   * `traceparent`/`tracestate` go into the headers of the send's messages. Default off (no span, no header).
   */
  readonly tracing?: Tracing;
}

/** The producing side as the apps see it: resolves only when Kafka acknowledged with acks=all. */
export interface MessageProducer {
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  sendTyped<T>(
    topic: string,
    contract: MessageContract<T>,
    messages: readonly TypedOutgoingMessage<T>[],
    schemaVersion?: number,
  ): Promise<void>;
  /** Whether the last produce request succeeded (readiness). */
  isHealthy(): boolean;
}

interface Pending {
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  /** Epoch ms after which the caller is told `KAFKA_UNAVAILABLE`. */
  readonly deadline: number;
  settled: boolean;
}

/**
 * Idempotent producer (acks=all, one request in flight so per-key order holds across retries) that
 * coalesces concurrent `send` calls into one produce request: while a request is in flight, or during
 * the linger, new sends queue and leave together. At 20k device requests/s this turns 20k produce
 * requests into a few hundred.
 */
export class KafkaProducer implements MessageProducer {
  private readonly producer: Producer;
  private readonly lingerMs: number;
  private readonly maxBatchMessages: number;
  private readonly maxBatchBytes: number;
  private readonly sendTimeoutMs: number;
  private queue: Pending[] = [];
  private queuedMessages = 0;
  private inFlight: Promise<void> | undefined;
  private inFlightBatch: Pending[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private connected = false;
  private closed = false;
  private healthy = false;
  private readonly tracing: Tracing;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ProducerOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatchMessages = options.maxBatchMessages ?? 2000;
    this.maxBatchBytes = options.maxBatchBytes ?? 900 * 1024;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 1500;
    this.tracing = options.tracing ?? TRACING_DISABLED;
    this.producer = client.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, like the Java client: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded retries: a request that cannot be stored must fail so the device hears 5.03 and retries.
      retry: { retries: options.retries ?? 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
    this.healthy = true;
    this.sweeper ??= setInterval(() => this.expire(Date.now()), Math.min(100, this.sendTimeoutMs / 4));
    this.sweeper.unref();
  }

  isHealthy(): boolean {
    return this.connected && this.healthy && !this.closed;
  }

  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) {
      return Promise.reject(new KafkaError(KafkaErrorCode.Closed, 'producer is closed'));
    }
    if (messages.length === 0) return Promise.resolve();
    // Tracing off: one boolean test, then the untraced path (no span, no copy of the headers).
    if (this.tracing.enabled) return this.sendTraced(topic, messages);
    return this.enqueue(topic, messages);
  }

  /**
   * One PRODUCER span per send (for the ingest: per device message, a child of its CoAP request span), ended when
   * Kafka acknowledged or the send failed. The produce request that carries it may hold many sends (coalescing):
   * its latency is the send span's duration.
   */
  private sendTraced(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const parent = activeContext();
    const span = this.tracing.tracer.startSpan(
      `send ${topic}`,
      { kind: SpanKind.PRODUCER, attributes: sendAttributes(topic, messages.length, messages[0]?.key) },
      parent,
    );
    const ctx = contextWithSpan(span, parent);
    const traced = messages.map((m) => {
      const headers: Record<string, string> = { ...m.headers };
      this.tracing.inject(headers, ctx);
      return { key: m.key, value: m.value, headers };
    });
    return this.enqueue(topic, traced).then(
      () => span.end(),
      (err: unknown) => {
        failSpan(span, err);
        span.end();
        throw err;
      },
    );
  }

  private enqueue(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + this.sendTimeoutMs;
      this.queue.push({ topic, messages, resolve, reject, deadline, settled: false });
      this.queuedMessages += messages.length;
      this.schedule();
    });
  }

  sendTyped<T>(
    topic: string,
    contract: MessageContract<T>,
    messages: readonly TypedOutgoingMessage<T>[],
    schemaVersion = 1,
  ): Promise<void> {
    const version = String(schemaVersion);
    return this.send(
      topic,
      messages.map((m) => ({
        key: m.key,
        value: contract.encode(m.value),
        headers: { ...m.headers, [SCHEMA_VERSION_HEADER]: version },
      })),
    );
  }

  /** Flushes what is queued, waits for every in-flight request, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.queue.length > 0 || this.inFlight) {
      if (this.lingerTimer) {
        clearTimeout(this.lingerTimer);
        this.lingerTimer = undefined;
      }
      if (!this.inFlight) this.flush();
      await this.inFlight;
    }
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await this.producer.disconnect();
  }

  /**
   * Rejects sends past their deadline. Queued ones are dropped from the queue (the caller will retry, so
   * writing them later would only duplicate); in-flight ones are rejected but their request runs on.
   */
  private expire(now: number): void {
    const unavailable = () =>
      new KafkaError(KafkaErrorCode.Unavailable, `Kafka did not acknowledge within ${this.sendTimeoutMs} ms`);
    if (this.inFlightBatch.length > 0 && this.inFlightBatch[0]!.deadline <= now) {
      this.healthy = false;
      for (const pending of this.inFlightBatch) if (pending.deadline <= now) settle(pending, unavailable());
    }
    if (this.queue.length > 0 && this.queue[0]!.deadline <= now) {
      const keep: Pending[] = [];
      for (const pending of this.queue) {
        if (pending.deadline <= now) {
          this.queuedMessages -= pending.messages.length;
          settle(pending, unavailable());
        } else keep.push(pending);
      }
      this.queue = keep;
    }
  }

  private schedule(): void {
    if (this.inFlight) return; // the end of the current request flushes the queue
    if (this.queuedMessages >= this.maxBatchMessages) {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.flush();
      return;
    }
    if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.flush();
      }, this.lingerMs);
    }
  }

  private flush(): void {
    if (this.queue.length === 0 || this.inFlight) return;
    const batch: Pending[] = [];
    let count = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const nextBytes = valueBytes(next.messages);
      const fits =
        count + next.messages.length <= this.maxBatchMessages && bytes + nextBytes <= this.maxBatchBytes;
      if (count > 0 && !fits) break;
      this.queue.shift();
      batch.push(next);
      count += next.messages.length;
      bytes += nextBytes;
    }
    this.queuedMessages -= count;
    this.inFlightBatch = batch;
    this.inFlight = this.produce(batch, count).finally(() => {
      this.inFlight = undefined;
      this.inFlightBatch = [];
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async produce(batch: Pending[], count: number): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const pending of batch) {
      let entry = byTopic.get(pending.topic);
      if (!entry) {
        entry = { topic: pending.topic, messages: [] };
        byTopic.set(pending.topic, entry);
      }
      for (const m of pending.messages) {
        entry.messages.push({
          key: m.key,
          value: m.value,
          headers: m.headers ? { ...m.headers } : undefined,
        });
      }
    }
    const started = Date.now();
    try {
      await this.producer.sendBatch({
        topicMessages: [...byTopic.values()],
        acks: -1,
        compression: CompressionTypes.None,
      });
      this.healthy = true;
      for (const pending of batch) settle(pending);
      this.options.onRequest?.({ messages: count, durationMs: Date.now() - started, ok: true });
    } catch (cause) {
      this.healthy = false;
      const err = new KafkaError(
        isTooLarge(cause) ? KafkaErrorCode.MessageTooLarge : KafkaErrorCode.Unavailable,
        `Kafka produce failed: ${(cause as Error).message}`,
        { cause },
      );
      this.client.logger.warn({ err: cause, messages: count }, 'produce request failed');
      for (const pending of batch) settle(pending, err);
      this.options.onRequest?.({ messages: count, durationMs: Date.now() - started, ok: false });
    }
  }
}

function valueBytes(messages: readonly OutgoingMessage[]): number {
  let n = 0;
  for (const m of messages) n += m.value.length + m.key.length;
  return n;
}

function settle(pending: Pending, err?: Error): void {
  if (pending.settled) return;
  pending.settled = true;
  if (err) pending.reject(err);
  else pending.resolve();
}

function isTooLarge(err: unknown): boolean {
  return (err as { type?: string }).type === 'MESSAGE_TOO_LARGE';
}
