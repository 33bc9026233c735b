import { type Consumer, type IHeaders } from 'kafkajs';
import { type KafkaClient } from './kafka-client';

export interface ConsumedMessage {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Kafka offset (a decimal string: offsets are int64). */
  readonly offset: string;
  /** Broker/producer timestamp, ms since epoch. */
  readonly timestamp: number;
}

export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
}

/** What a batch handler may do while it works through a batch. */
export interface BatchControl {
  /**
   * Marks every message up to and including `offset` as done: it will be committed and never redelivered
   * to this group. Messages not marked are redelivered (after a failure or a rebalance).
   */
  markDone(offset: string): void;
  /** Keeps the group membership alive during long batches. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was revoked: stop early and leave the rest. */
  isRunning(): boolean;
}

export type BatchHandler = (batch: ConsumedBatch, control: BatchControl) => Promise<void>;

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts. */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  /** Upper bound of bytes fetched per partition and request (sizes batches). */
  readonly maxBytesPerPartition?: number;
  /** Partitions processed concurrently. */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * Consumer with manual commits: only offsets the handler marked done are committed, right after the
 * handler returns (or throws). A handler that throws makes kafkajs redeliver from the first unmarked message.
 */
export class KafkaConsumer {
  private readonly consumer: Consumer;
  private running = false;

  constructor(
    client: KafkaClient,
    private readonly options: ConsumerOptions,
  ) {
    this.consumer = client.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      allowAutoTopicCreation: false,
    });
  }

  async start(handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? false,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        isRunning,
        isStale,
        commitOffsetsIfNecessary,
      }) => {
        let done: string | undefined;
        const control: BatchControl = {
          markDone: (offset) => {
            resolveOffset(offset);
            done = offset;
          },
          heartbeat,
          isRunning: () => this.running && isRunning() && !isStale(),
        };
        const messages: ConsumedMessage[] = batch.messages.map((m) => ({
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value,
          headers: stringHeaders(m.headers),
          offset: m.offset,
          timestamp: Number(m.timestamp),
        }));
        try {
          await handler({ topic: batch.topic, partition: batch.partition, messages }, control);
        } finally {
          if (done !== undefined) {
            // Kafka commits the next offset to read, hence +1. The batch's own commit also works while the
            // consumer is stopping (consumer.commitOffsets is a no-op then), so a stop never loses marked work.
            await commitOffsetsIfNecessary({
              topics: [
                {
                  topic: batch.topic,
                  partitions: [{ partition: batch.partition, offset: (BigInt(done) + 1n).toString() }],
                },
              ],
            });
          }
        }
      },
    });
  }

  /** Stops fetching from these topics (back-pressure); in-flight batches complete. */
  pause(topics: readonly string[] = this.options.topics): void {
    this.consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: readonly string[] = this.options.topics): void {
    this.consumer.resume(topics.map((topic) => ({ topic })));
  }

  /** Finishes the current batches (committing what they marked), leaves the group and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
