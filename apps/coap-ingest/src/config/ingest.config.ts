import { hostname } from 'node:os';
import {
  LOCAL_STACK,
  loadConfig,
  logLevel,
  nonNegativeInt,
  port,
  positiveInt,
  secret,
  type EnvSource,
} from '@smartcity/platform-config';
import { TOPICS } from '@smartcity/platform-contracts';
import { tracingConfigShape } from '@smartcity/platform-observability';
import { kafkaConfigShape } from '@smartcity/platform-kafka';
import { z } from 'zod';

/**
 * The ingest's configuration, from the environment only (defaults work with deploy/local).
 * Rates are per second; a rate of 0 disables that limit.
 */
export const ingestConfigSchema = z.object({
  /** CoAP UDP port (RFC 7252 §6.1 default 5683) and bind address ("::" = dual stack IPv6+IPv4). */
  COAP_PORT: port(5683),
  COAP_HOST: z.string().default('::'),
  /** Plain CoAP (NoSec) at all: only devices of tenants that allow NoSec register over it. */
  COAP_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** CoAP over DTLS 1.2 (RFC 7252 §9 `coaps`, default port 5684); '0' for a free port (tests). */
  COAPS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  COAPS_PORT: port(5684),
  /**
   * The server's ECDSA P-256 key (PEM file) for TLS_ECDHE_ECDSA: raw public key devices (RFC 7250) pin it, X.509
   * devices check COAPS_CERTIFICATE_FILE (PEM chain, leaf first). Without a key only PSK devices connect.
   */
  COAPS_PRIVATE_KEY_FILE: z.string().optional(),
  COAPS_CERTIFICATE_FILE: z.string().optional(),
  /** Accept TLS_PSK_WITH_AES_128_CBC_SHA256 too (legacy devices without CCM). */
  COAPS_LEGACY_CBC: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Keys sealing DTLS sessions in Redis (`id:base64-32-bytes`, first seals, all open): every instance with them
   * resumes any instance's sessions.
   */
  COAPS_SESSION_KEYS: secret(z.string().default(LOCAL_STACK.dtlsSessionKeys)),
  /** Seconds a DTLS session may be resumed after its full handshake. */
  COAPS_SESSION_LIFETIME_S: positiveInt(24 * 3600),
  /** Established DTLS sessions per process and handshakes in progress (per process, per source address). */
  COAPS_MAX_SESSIONS: positiveInt(200_000),
  COAPS_MAX_HANDSHAKES: positiveInt(2000),
  COAPS_MAX_HANDSHAKES_PER_ADDRESS: positiveInt(8),
  /**
   * Full handshakes per second per source IP (after the cookie exchange) and the burst above it: a device behind a
   * carrier NAT shares its address with others, so raise them where fleets sit behind one.
   */
  COAPS_HANDSHAKES_PER_ADDRESS_PER_S: positiveInt(10),
  COAPS_HANDSHAKE_BURST_PER_ADDRESS: positiveInt(20),
  /** Seconds without a record after which a session is forgotten (the device resumes or handshakes again). */
  COAPS_SESSION_IDLE_S: positiveInt(3 * 24 * 3600),
  /**
   * Keys decrypting device secrets at rest (`id:base64-32-bytes`, shared with the gateway and the CLI).
   */
  CREDENTIAL_KEYS: secret(z.string().default(LOCAL_STACK.credentialKeys)),
  /** /healthz /readyz /metrics. */
  OPS_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: port(9101),
  /** Unique per process; owner of the registrations it serves. Default `<hostname>-<pid>`. */
  INSTANCE_ID: z.string().min(1).max(100).optional(),
  LOG_LEVEL: logLevel(),
  ...kafkaConfigShape,
  KAFKA_UPLINK_TOPIC: z.string().default(TOPICS.uplink),
  /** Partitions of a renamed uplink topic (a test's or benchmark's); the platform topic's come from the contracts. */
  KAFKA_UPLINK_PARTITIONS: positiveInt(12),
  /** Coalescing delay of produce requests (ms). */
  KAFKA_LINGER_MS: nonNegativeInt(2),
  /** A device's request is answered 5.03 when Kafka has not acknowledged within this time (ms), below
   * the device's own ACK_TIMEOUT (2 s, RFC 7252 §4.8) so it does not retransmit meanwhile. */
  KAFKA_SEND_TIMEOUT_MS: positiveInt(1500),
  REDIS_URL: secret(z.string().default(LOCAL_STACK.redisUrl)),
  REDIS_KEY_PREFIX: z.string().default('sc:ingest:'),
  /** Application role (SECURITY DEFINER functions resolve endpoints across tenants). */
  DATABASE_URL: secret(z.string().default(LOCAL_STACK.databaseUrl)),
  DEVICE_CACHE_TTL_S: positiveInt(300),
  DEVICE_CACHE_NEGATIVE_TTL_S: positiveInt(30),
  /** Seconds past lifetime before a silent registration expires (Core 1.1.1 §6.2.2). */
  REGISTRATION_GRACE_S: nonNegativeInt(30),
  /** Largest registration lifetime granted (s, default 30 days): a longer `lt` is shortened to it. */
  REGISTRATION_MAX_LIFETIME_S: positiveInt(30 * 24 * 3600),
  EXPIRY_INTERVAL_MS: positiveInt(1000),
  /** Awake window of a queue-mode device after an uplink (Transport §6.5; 93 s = CoAP MAX_TRANSMIT_WAIT). */
  QUEUE_AWAKE_WINDOW_S: positiveInt(93),
  /** How long an observation setup request may wait for a sleeping device (ms). */
  OBSERVE_REQUEST_DEADLINE_MS: positiveInt(120_000),
  /** Largest request body (bytes), in one datagram or reassembled from Block1 blocks (RFC 7959); 4.13 above. */
  MAX_PAYLOAD_BYTES: positiveInt(65536),
  UNAVAILABLE_RETRY_AFTER_S: positiveInt(5),
  /**
   * Registers and unknown-peer requests per source IP address, checked before any database lookup (a flood of
   * made-up endpoint names must not reach PostgreSQL). Generous: a carrier NAT puts many devices behind one address.
   */
  RATE_ADDRESS_PER_S: nonNegativeInt(100),
  RATE_ADDRESS_BURST: positiveInt(1000),
  RATE_ENDPOINT_PER_S: nonNegativeInt(10),
  RATE_ENDPOINT_BURST: positiveInt(20),
  RATE_TENANT_PER_S: nonNegativeInt(20000),
  RATE_TENANT_BURST: positiveInt(40000),
  /**
   * Tenants' plan quotas (issue 17): messages/s and burst per tenant, refused with 4.29 once spent, and with 4.29
   * Max-Age QUOTA_STORAGE_FULL_RETRY_S while the tenant stores its plan's maximum of values. Limits are re-read every
   * QUOTA_REFRESH_MS; accepted messages are added to the tenant's daily usage every USAGE_FLUSH_MS.
   */
  QUOTA_REFRESH_MS: positiveInt(10_000),
  QUOTA_STORAGE_FULL_RETRY_S: positiveInt(3600),
  USAGE_FLUSH_MS: positiveInt(10_000),
  /**
   * How long the first receive time of a Send answered 5.03 after its publish failed is kept for the device's retry
   * (issue 16 finding 4: the retry's untimed values take that time, so a first attempt stored after all is not
   * duplicated). Devices retry after the 5.03's Max-Age (UNAVAILABLE_RETRY_AFTER_S).
   */
  RETRY_STAMP_TTL_S: positiveInt(300),
  DEDUP_MAX_ENTRIES: positiveInt(400_000),
  /** Time to drain in-flight exchanges at shutdown (ms). */
  SHUTDOWN_DRAIN_MS: positiveInt(5000),
  // Downlink routing: commands from `lwm2m.downlink.v1`, outcomes to `lwm2m.downlink-result.v1`.
  DOWNLINK_TOPIC: z.string().default(TOPICS.downlink),
  DOWNLINK_RESULT_TOPIC: z.string().default(TOPICS.downlinkResult),
  /** Consumer group shared by every ingest instance: each request is routed once. */
  DOWNLINK_GROUP_ID: z.string().default('coap-ingest-downlink'),
  /**
   * Bound on one exchange with an awake device (ms), after which the command is TIMEOUT. Default
   * MAX_TRANSMIT_WAIT (RFC 7252 §4.8.2, 93 s): a CON without ACK gives up in that time anyway.
   */
  DOWNLINK_RESPONSE_TIMEOUT_MS: positiveInt(93_000),
  /** How often each instance expires queued commands past their deadline and re-checks its owned queues (ms). */
  DOWNLINK_SWEEP_INTERVAL_MS: positiveInt(1000),
  /** Endpoints served concurrently by one instance (commands of one endpoint always run one at a time). */
  DOWNLINK_MAX_CONCURRENT_ENDPOINTS: positiveInt(2000),
  /**
   * OpenTelemetry tracing (issue 22), off by default: TRACING_ENABLED, TRACING_SAMPLE_RATIO (share of CoAP requests
   * that start a recorded trace), OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME (default `coap-ingest`).
   */
  ...tracingConfigShape,
});

export type IngestConfig = z.infer<typeof ingestConfigSchema> & { INSTANCE_ID: string };

export function loadIngestConfig(env: EnvSource = process.env): IngestConfig {
  const config = loadConfig(ingestConfigSchema, env);
  return { ...config, INSTANCE_ID: config.INSTANCE_ID ?? `${hostname()}-${process.pid}` };
}
