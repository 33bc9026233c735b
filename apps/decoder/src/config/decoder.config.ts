import { bool, LOCAL_STACK, logLevel, nonNegativeInt, port, positiveInt } from '@smartcity/platform-config';
import { TOPICS } from '@smartcity/platform-contracts';
import { dbConfigShape } from '@smartcity/platform-db';
import { tracingConfigShape } from '@smartcity/platform-observability';
import { kafkaConfigShape } from '@smartcity/platform-kafka';
import { z } from 'zod';

/**
 * The decoder's configuration (environment variables; defaults reach the local stack). Batch settings: a batch is
 * flushed when it holds DECODER_BATCH_MAX_VALUES values or DECODER_BATCH_LINGER_MS after its first message.
 */
export const decoderConfigSchema = z.object({
  LOG_LEVEL: logLevel(),
  DECODER_INSTANCE_ID: z.string().min(1).max(128).optional(),
  OPS_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: port(9102),

  ...dbConfigShape,
  REDIS_URL: z.string().min(1).default(LOCAL_STACK.redisUrl),
  ...kafkaConfigShape,

  DECODER_GROUP_ID: z.string().min(1).default('decoder'),
  DECODER_UPLINK_TOPIC: z.string().min(1).default(TOPICS.uplink),
  DECODER_DLQ_TOPIC: z.string().min(1).default(TOPICS.uplinkDlq),
  /** Partitions of lwm2m.uplink.v1 when the decoder has to create it. */
  DECODER_UPLINK_PARTITIONS: positiveInt(12),
  DECODER_FROM_BEGINNING: bool(true),
  DECODER_PARTITIONS_CONCURRENTLY: positiveInt(12),
  DECODER_MAX_BYTES_PER_PARTITION: positiveInt(1_048_576),
  /**
   * Consumer group session timeout (ms): how long the group waits for a decoder that vanished (crash, SIGKILL)
   * before its partitions move to the others; consumption of those partitions pauses meanwhile.
   */
  DECODER_SESSION_TIMEOUT_MS: positiveInt(30_000),

  DECODER_BATCH_MAX_VALUES: positiveInt(5000),
  DECODER_BATCH_LINGER_MS: nonNegativeInt(20),
  /** Batches written at the same time (the database works on several; keep <= DATABASE_POOL_MAX / WRITE_CONCURRENCY). */
  DECODER_MAX_CONCURRENT_FLUSHES: positiveInt(2),
  /** Tenant groups of one batch written at the same time (one transaction and pool connection each). */
  DECODER_WRITE_CONCURRENCY: positiveInt(4),
  /** Attempts a message gets before the DLQ (storage rejections, unexpected errors). */
  DECODER_MAX_ATTEMPTS: positiveInt(3),
  DECODER_RETRY_BASE_MS: positiveInt(200),
  DECODER_RETRY_MAX_MS: positiveInt(10_000),

  PARTNER_TOPIC_PARTITIONS: positiveInt(6),
  KAFKA_REPLICATION_FACTOR: positiveInt(1),
  /** Deadline of a produce request to the partner topics / DLQ (ms). */
  DECODER_PRODUCE_TIMEOUT_MS: positiveInt(30_000),

  /**
   * Bounds of device times around the receive time (issue 16, finding 3): a value stamped further ahead than
   * MAX_FUTURE (clock skew) or further back than MAX_PAST is stored at its receive time with quality
   * `timeSource: "received"`, and counted in decoder_device_times_replaced_total.
   */
  DECODER_TIME_MAX_FUTURE_S: nonNegativeInt(300),
  DECODER_TIME_MAX_PAST_S: positiveInt(3650 * 86_400),

  /** Communication-loss alarm after a registration expired and the device stayed silent this long. */
  DECODER_COMM_LOSS_GRACE_S: positiveInt(300),
  DECODER_COMM_LOSS_INTERVAL_MS: positiveInt(30_000),
  DECODER_ROLLUP_INTERVAL_MS: positiveInt(60_000),
  DECODER_RETENTION_INTERVAL_MS: positiveInt(3_600_000),
  /** Water job (night-flow leaks, district balance; apps/decoder/src/water): runs this often, 5 min by default. */
  DECODER_WATER_INTERVAL_MS: positiveInt(300_000),
  /** Disable the background jobs (tests and benchmarks that run several decoders). */
  DECODER_JOBS_ENABLED: bool(true),
  /**
   * OpenTelemetry tracing (issue 22), off by default: TRACING_ENABLED, TRACING_SAMPLE_RATIO (only for traces the
   * decoder starts; an uplink follows the ingest's decision carried in its traceparent header),
   * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME (default `decoder`).
   */
  ...tracingConfigShape,
});

export type DecoderConfig = z.infer<typeof decoderConfigSchema>;
