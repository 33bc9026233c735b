import { ensureTopics, KafkaConsumer, type KafkaClient, KafkaProducer } from '@smartcity/platform-kafka';
import { type Logger, TRACING_DISABLED, type Tracing } from '@smartcity/platform-observability';
import { OutboxRelay, pingDatabase } from '@smartcity/platform-db';
import { isRedisReady, type Redis } from '@smartcity/platform-redis';
import { type Pool } from 'pg';
import { type Registry } from 'prom-client';
import { BatchAccumulator } from './batching/batch-accumulator';
import { type DecoderConfig } from './config/decoder.config';
import { createDecoderMetrics, type DecoderMetrics } from './decoder.metrics';
import { KafkaDeadLetters } from './delivery/kafka-dead-letters';
import { RetryPolicy } from './delivery/retry-policy';
import { DecoderJobs } from './jobs/decoder-jobs';
import { KafkaTenantTopics } from './publish/kafka-tenant-topics';
import { RedisLivePublisher } from './publish/live-publisher';
import { DecoderOutboxSink } from './publish/outbox-sink';
import { DECODER_OUTBOX_SOURCE } from './publish/partner-events';
import { PartnerPublisher } from './publish/partner-publisher';
import { UplinkConsumer } from './uplink-consumer';
import { type PipelineItem, UplinkPipeline } from './uplink-pipeline';
import { type UplinkProcessor } from './uplink/uplink-processor';
import { BatchWriter } from './write/batch-writer';

/**
 * An uplink may carry a 2 MB payload (lwm2m.uplink.v1 contract: base64 up to 2,000,000 characters), above Kafka's
 * default 1 MiB record batch limit (`message.max.bytes`); topics the decoder creates accept 8 MiB batches.
 */
export const LARGE_MESSAGES = { 'max.message.bytes': String(8 * 1024 * 1024) };

/** The infrastructure a decoder runs on (built by decoder.factory.ts, provided by the Nest module). */
export interface DecoderDeps {
  readonly config: DecoderConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly pool: Pool;
  readonly kafka: KafkaClient;
  readonly redis: Redis;
  readonly processor: UplinkProcessor;
  /** Spans of the uplinks (default off): process, decode and write, continuing the ingest's trace. */
  readonly tracing?: Tracing;
}

/**
 * Wires the decoder: consumer group on lwm2m.uplink.v1 -> batch accumulator -> pipeline (TimescaleDB, partner
 * topics, DLQ, Redis live updates), the outbox relay of its events, and the background jobs. start() and stop() are called by main.ts. Plain class
 * (no decorators): the Nest module provides it through a factory, and tests build it the same way without Nest.
 */
export class Decoder {
  readonly metrics: DecoderMetrics;
  private readonly producer: KafkaProducer;
  private readonly consumer: UplinkConsumer;
  private readonly accumulator: BatchAccumulator<PipelineItem>;
  private readonly jobs: DecoderJobs;
  private readonly outbox: OutboxRelay;
  private running = false;
  private consuming = false;

  private readonly config: DecoderConfig;
  private readonly logger: Logger;
  private readonly pool: Pool;
  private readonly kafka: KafkaClient;
  private readonly redis: Redis;

  constructor(deps: DecoderDeps) {
    const { config, logger, registry, pool, kafka, redis, processor } = deps;
    const tracing = deps.tracing ?? TRACING_DISABLED;
    this.config = config;
    this.logger = logger;
    this.pool = pool;
    this.kafka = kafka;
    this.redis = redis;
    this.metrics = createDecoderMetrics(registry);
    this.producer = new KafkaProducer(kafka, {
      sendTimeoutMs: config.DECODER_PRODUCE_TIMEOUT_MS,
      lingerMs: 5,
      maxBatchMessages: 500,
      retries: 5,
    });
    const topics = new KafkaTenantTopics(
      kafka,
      config.PARTNER_TOPIC_PARTITIONS,
      config.KAFKA_REPLICATION_FACTOR,
    );
    const live = new RedisLivePublisher(redis);
    const outboxLog = logger.child({ context: 'OutboxRelay' });
    this.outbox = new OutboxRelay(
      pool,
      new DecoderOutboxSink(this.producer, topics, live, (err) => {
        this.metrics.liveFailures.inc();
        outboxLog.debug({ err }, 'live update not published');
      }),
      {
        source: DECODER_OUTBOX_SOURCE,
        onError: (err) => outboxLog.warn({ err }, 'outbox not published yet; retrying'),
      },
    );
    const decode = (item: PipelineItem) => processor.process(item.value, item.origin);
    const pipeline = new UplinkPipeline({
      decode,
      writer: new BatchWriter(pool),
      partners: new PartnerPublisher(this.producer, topics),
      live,
      outbox: this.outbox,
      deadLetters: new KafkaDeadLetters(this.producer, config.DECODER_DLQ_TOPIC),
      retry: new RetryPolicy({
        maxAttempts: config.DECODER_MAX_ATTEMPTS,
        baseDelayMs: config.DECODER_RETRY_BASE_MS,
        maxDelayMs: config.DECODER_RETRY_MAX_MS,
      }),
      metrics: this.metrics,
      logger: logger.child({ context: 'UplinkPipeline' }),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      isRunning: () => this.running,
      writeConcurrency: config.DECODER_WRITE_CONCURRENCY,
      tracing,
    });
    this.accumulator = new BatchAccumulator<PipelineItem>(
      {
        maxWeight: config.DECODER_BATCH_MAX_VALUES,
        lingerMs: config.DECODER_BATCH_LINGER_MS,
        maxConcurrentFlushes: config.DECODER_MAX_CONCURRENT_FLUSHES,
      },
      (items) => pipeline.flush(items),
    );
    this.consumer = new UplinkConsumer(
      new KafkaConsumer(kafka, {
        groupId: config.DECODER_GROUP_ID,
        topics: [config.DECODER_UPLINK_TOPIC],
        fromBeginning: config.DECODER_FROM_BEGINNING,
        partitionsConsumedConcurrently: config.DECODER_PARTITIONS_CONCURRENTLY,
        maxBytesPerPartition: config.DECODER_MAX_BYTES_PER_PARTITION,
        sessionTimeoutMs: config.DECODER_SESSION_TIMEOUT_MS,
      }),
      this.accumulator,
      decode,
      this.metrics,
      config.DECODER_BATCH_MAX_VALUES,
      tracing,
    );
    this.jobs = new DecoderJobs(config, pool, this.metrics, logger, () => this.outbox.kick());
  }

  /**
   * Connects and starts consuming. Kafka unreachable at startup is waited for (retried with capped backoff) rather
   * than crashing the process, so decoders can start before the brokers; stop() ends the wait.
   */
  async start(): Promise<void> {
    this.running = true;
    await this.untilDone('create topics', () =>
      ensureTopics(this.kafka, [
        {
          topic: this.config.DECODER_UPLINK_TOPIC,
          partitions: this.config.DECODER_UPLINK_PARTITIONS,
          replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
        },
        {
          topic: this.config.DECODER_DLQ_TOPIC,
          partitions: 3,
          replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
        },
      ]),
    );
    await this.untilDone('connect producer', () => this.producer.connect());
    this.outbox.start();
    await this.untilDone('start consumer', () => this.consumer.start());
    this.consuming = true;
    if (this.config.DECODER_JOBS_ENABLED) this.jobs.start();
    this.logger.info(
      {
        topic: this.config.DECODER_UPLINK_TOPIC,
        groupId: this.config.DECODER_GROUP_ID,
        batchMaxValues: this.config.DECODER_BATCH_MAX_VALUES,
        batchLingerMs: this.config.DECODER_BATCH_LINGER_MS,
      },
      'decoder consuming',
    );
  }

  async isReady(): Promise<boolean> {
    if (!this.running || !this.consuming) return false;
    const [db, redis] = await Promise.all([pingDatabase(this.pool), isRedisReady(this.redis)]);
    return db && redis && (this.producer.isHealthy() || this.accumulator.queuedWeight === 0);
  }

  /** Stop consuming (in-flight batches finish and commit), stop jobs, publish the outbox, flush the producer. */
  async stop(): Promise<void> {
    this.consuming = false;
    await this.consumer.stop();
    this.running = false;
    await this.accumulator.close();
    await this.jobs.stop();
    await this.outbox.stop();
    await this.producer.close();
  }

  private async untilDone(step: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (!this.running) throw err;
        const delayMs = Math.min(10_000, 500 * 2 ** Math.min(attempt - 1, 5));
        this.logger.warn({ err, step, attempt, delayMs }, 'decoder startup step failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** For tests: the background jobs, runnable on demand. */
  get backgroundJobs(): DecoderJobs {
    return this.jobs;
  }
}
