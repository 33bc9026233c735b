import { hostname } from 'node:os';
import {
  LOCAL_STACK,
  loadConfig,
  logLevel,
  port,
  positiveInt,
  secret,
  type EnvSource,
} from '@smartcity/platform-config';
import { tracingConfigShape } from '@smartcity/platform-observability';
import { z } from 'zod';

/**
 * The bootstrap server's configuration, from the environment only (defaults work with deploy/local). It serves
 * coaps only: without a DTLS credential nothing decides which device is asking, so NoSec bootstrap is refused
 * (LwM2M Transport 1.1.1 §5.2: the Bootstrap-Server account's security mode is the device's vendor credential).
 */
export const bootstrapConfigSchema = z.object({
  /** CoAP over DTLS 1.2 (RFC 7252 §9). 5784 locally, beside the ingest's 5684; '0' for a free port (tests). */
  COAPS_PORT: port(5784),
  COAPS_HOST: z.string().default('::'),
  /**
   * The server's ECDSA P-256 key and certificate chain (PEM files, leaf first) for X.509 bootstrap
   * (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, RFC 7251): devices with a vendor certificate check this chain, and their
   * chain must end at a tenant's vendor CA. Without them only PSK bootstrap credentials are served.
   */
  COAPS_PRIVATE_KEY_FILE: z.string().optional(),
  COAPS_CERTIFICATE_FILE: z.string().optional(),
  /** How often the tenants' vendor CAs are reloaded (ms): an imported or removed CA takes effect within it. */
  VENDOR_CA_REFRESH_MS: positiveInt(30_000),
  /** Accept TLS_PSK_WITH_AES_128_CBC_SHA256 too (legacy devices without CCM). */
  COAPS_LEGACY_CBC: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** DTLS sessions and handshakes in progress (per process, per source address), full handshakes/s per address. */
  COAPS_MAX_SESSIONS: positiveInt(20_000),
  COAPS_MAX_HANDSHAKES: positiveInt(1000),
  COAPS_MAX_HANDSHAKES_PER_ADDRESS: positiveInt(8),
  COAPS_HANDSHAKES_PER_ADDRESS_PER_S: positiveInt(10),
  COAPS_HANDSHAKE_BURST_PER_ADDRESS: positiveInt(20),
  /** A bootstrap session is short: its DTLS session is forgotten after this many idle seconds. */
  COAPS_SESSION_IDLE_S: positiveInt(600),
  /** Keys decrypting device secrets at rest (`id:base64-32-bytes`, shared with the ingest, gateway and CLI). */
  CREDENTIAL_KEYS: secret(z.string().default(LOCAL_STACK.credentialKeys)),
  /** Application role: RLS per tenant; the bootstrap PSK lookup across tenants is a SECURITY DEFINER function. */
  DATABASE_URL: secret(z.string().default(LOCAL_STACK.databaseUrl)),
  REDIS_URL: secret(z.string().default(LOCAL_STACK.redisUrl)),
  /** /healthz /readyz /metrics. */
  OPS_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: port(9104),
  INSTANCE_ID: z.string().min(1).max(100).optional(),
  LOG_LEVEL: logLevel(),
  /** Bootstrap sequences running at once; a Bootstrap-Request beyond them gets 5.03 + Max-Age. */
  BOOTSTRAP_MAX_SESSIONS: positiveInt(2000),
  /** Bound of one whole sequence (Delete, Discover, Writes, Finish), ms: a device that stalls is abandoned. */
  BOOTSTRAP_SESSION_TIMEOUT_MS: positiveInt(120_000),
  /** Bound of each request of the sequence (ms); default MAX_TRANSMIT_WAIT (RFC 7252 §4.8.2, 93 s). */
  BOOTSTRAP_REQUEST_TIMEOUT_MS: positiveInt(93_000),
  /** Max-Age of a 5.03 (busy, database unavailable), s. */
  UNAVAILABLE_RETRY_AFTER_S: positiveInt(30),
  /** Time to drain in-flight exchanges at shutdown (ms). */
  SHUTDOWN_DRAIN_MS: positiveInt(5000),
  /**
   * OpenTelemetry tracing (issue 22), off by default: TRACING_ENABLED, TRACING_SAMPLE_RATIO, OTEL_EXPORTER_OTLP_ENDPOINT,
   * OTEL_SERVICE_NAME (default `bootstrap`). A Bootstrap-Request is a trace: its sequence and each request to the device.
   */
  ...tracingConfigShape,
});

export type BootstrapConfig = z.infer<typeof bootstrapConfigSchema> & { INSTANCE_ID: string };

export function loadBootstrapConfig(env: EnvSource = process.env): BootstrapConfig {
  const config = loadConfig(bootstrapConfigSchema, env);
  return { ...config, INSTANCE_ID: config.INSTANCE_ID ?? `${hostname()}-${process.pid}` };
}
