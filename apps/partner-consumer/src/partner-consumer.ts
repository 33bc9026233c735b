import { type Admin, type Consumer, type IHeaders, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { type PartnerConsumerOptions } from './config/partner-consumer.config';

/** The contract version this consumer understands (header `schema-version`, docs/partners/contract.md). */
export const SCHEMA_VERSION = '1';

export interface PartnerMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Broker time of the message, ms since the epoch. */
  readonly timestamp: number;
  /** The device id: one device's messages keep their order. */
  readonly key: string | null;
  /** telemetry, device.registered, alarm.raised...: the `message-type` header. */
  readonly messageType: string;
  readonly payload: unknown;
}

/** A message this consumer cannot read: skipped and reported, never silently. */
export interface SkippedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
}

export interface PartnerHandlers {
  /** Awaited before the offset is committed: at-least-once, so deduplicate by `payload.id`. */
  onMessage(message: PartnerMessage): Promise<void> | void;
  onSkipped?(skipped: SkippedMessage): void;
}

export function partnerTopics(options: Pick<PartnerConsumerOptions, 'tenant' | 'topics'>): string[] {
  return options.topics.map((t) => `city.${options.tenant}.${t}.v1`);
}

function kafkaConfig(options: PartnerConsumerOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    ...(options.sasl ? { sasl: { mechanism: 'scram-sha-512', ...options.sasl } } : {}),
    ...(options.tls ? { ssl: options.tls.ca ? { ca: [options.tls.ca] } : true } : {}),
  };
}

/**
 * A partner's consumer of one city's topics: joins its group, hands each message to `onMessage` and commits after
 * it returns. `replayFrom` first moves the group's committed offsets (the group must have no running member).
 */
export class PartnerConsumer {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;

  constructor(private readonly options: PartnerConsumerOptions) {
    this.kafka = new Kafka(kafkaConfig(options));
  }

  async start(handlers: PartnerHandlers): Promise<void> {
    if (this.options.replayFrom !== undefined) await this.replay(this.options.replayFrom);
    const consumer = this.kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    await consumer.connect();
    // A new group starts at the beginning of the retained data; an existing one where it committed.
    await consumer.subscribe({ topics: partnerTopics(this.options), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const where = { topic, partition, offset: message.offset };
        const version = header(message.headers, 'schema-version');
        if (version !== SCHEMA_VERSION) {
          handlers.onSkipped?.({
            ...where,
            reason: `schema-version ${version ?? 'missing'}, expected ${SCHEMA_VERSION}`,
          });
          return;
        }
        let payload: unknown;
        try {
          payload = JSON.parse(message.value?.toString('utf8') ?? '');
        } catch {
          handlers.onSkipped?.({ ...where, reason: 'payload is not JSON' });
          return;
        }
        await handlers.onMessage({
          ...where,
          timestamp: Number(message.timestamp),
          key: message.key?.toString('utf8') ?? null,
          messageType: header(message.headers, 'message-type') ?? 'unknown',
          payload,
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /** Moves the group's offsets on every partition of its topics to `from` (needs READ on the topics and group). */
  async replay(from: 'earliest' | number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const topic of partnerTopics(this.options)) await this.seekGroup(admin, topic, from);
    } finally {
      await admin.disconnect();
    }
  }

  private async seekGroup(admin: Admin, topic: string, from: 'earliest' | number): Promise<void> {
    const groupId = this.options.groupId;
    if (from === 'earliest') {
      await admin.resetOffsets({ groupId, topic, earliest: true });
      return;
    }
    // ListOffsets by timestamp: the first offset whose timestamp is >= from, or the end when there is none.
    const partitions = await admin.fetchTopicOffsetsByTimestamp(topic, from);
    await admin.setOffsets({ groupId, topic, partitions });
  }
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
