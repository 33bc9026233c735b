import { list, LOCAL_STACK, logLevel, port, positiveInt, secret } from '@smartcity/platform-config';
import { dbConfigShape } from '@smartcity/platform-db';
import { tracingConfigShape } from '@smartcity/platform-observability';
import { kafkaConfigShape } from '@smartcity/platform-kafka';
import { z } from 'zod';

/**
 * The gateway's configuration: the only module that reads the environment. Every default reaches the local stack
 * (deploy/local), so `node -r ./tools/register.js apps/gateway/src/main.ts` needs no variables in development.
 */
export const gatewayConfigSchema = z.object({
  /** `production` turns off introspection, field suggestions and error details. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** The public HTTP port: `/graphql` (queries, mutations, graphql-ws subscriptions) and the `/healthz` `/readyz` probes. */
  GATEWAY_PORT: port(4000),
  /**
   * Operations endpoints (`/metrics`, `/healthz`, `/readyz`) on their own interface and port, like the ingest's, so
   * metrics are never served to API clients; keep the host internal (loopback or the pod network).
   */
  GATEWAY_OPS_HOST: z.string().default('127.0.0.1'),
  GATEWAY_OPS_PORT: port(9103),
  /** Largest request body (bytes): a 1,000-device provisioning call with its variables fits in 512 KiB. */
  GATEWAY_BODY_LIMIT_BYTES: positiveInt(512 * 1024),
  LOG_LEVEL: logLevel(),
  ...dbConfigShape,
  /**
   * Fair use of the application pool (DATABASE_POOL_MAX connections) by tenants: transactions one tenant runs at
   * once, may queue, and may wait for, before RATE_LIMITED; and the statement timeout of API queries (short: a
   * request that needs longer must be narrowed), which replaces DATABASE_STATEMENT_TIMEOUT_MS for the gateway.
   */
  TENANT_DB_CONCURRENCY: positiveInt(3),
  /** Raw scans (telemetry history, KPIs) one tenant runs at once, and the whole gateway runs at once. */
  TENANT_DB_SCAN_CONCURRENCY: positiveInt(1),
  GATEWAY_DB_SCAN_CONCURRENCY: positiveInt(2),
  TENANT_DB_MAX_QUEUED: positiveInt(100),
  TENANT_DB_MAX_WAIT_MS: positiveInt(5_000),
  API_STATEMENT_TIMEOUT_MS: positiveInt(5_000),
  REDIS_URL: secret(z.string().min(1).default(LOCAL_STACK.redisUrl)),
  /**
   * Keys sealing device secrets (PSKs) at rest, `id:base64-32-bytes[,id:base64...]`: the first seals, every one
   * opens (rotation). Shared with the ingest and the CLI; the default is the local stack's, refused in production.
   */
  CREDENTIAL_KEYS: secret(z.string().min(1).default(LOCAL_STACK.credentialKeys)),
  ...kafkaConfigShape,
  /** The ingest's Redis key prefix: deleting a tenant removes its endpoints' registrations there. */
  INGEST_REDIS_KEY_PREFIX: z.string().default('sc:ingest:'),
  /** Partitions of a new tenant's partner topics `city.<t>.telemetry.v1` / `city.<t>.events.v1`. */
  TENANT_TOPIC_PARTITIONS: positiveInt(6),
  TENANT_TOPIC_REPLICATION: positiveInt(1),
  /**
   * The partners' bootstrap servers (the cluster's SASL/SCRAM listener), shown in the partner API and docs only:
   * the gateway's own admin connection (partner users and ACLs) uses KAFKA_BROKERS.
   */
  KAFKA_PARTNER_BROKERS: list('127.0.0.1:9094'),

  /** Access tokens: `iss` must equal this realm issuer; `aud` must contain the audience. */
  OIDC_ISSUER: z.url().default(`${LOCAL_STACK.keycloakUrl}/realms/${LOCAL_STACK.keycloakRealm}`),
  OIDC_AUDIENCE: z.string().min(1).default('smartcity-gateway'),
  /** Defaults to `<issuer>/protocol/openid-connect/certs` (Keycloak). */
  OIDC_JWKS_URI: z.url().optional(),
  OIDC_CLOCK_TOLERANCE_SEC: z.coerce.number().int().min(0).max(300).default(5),

  /** Keycloak admin REST API, for tenant (organization) management. */
  KEYCLOAK_URL: z.url().default(LOCAL_STACK.keycloakUrl),
  KEYCLOAK_REALM: z.string().min(1).default(LOCAL_STACK.keycloakRealm),
  KEYCLOAK_ADMIN_REALM: z.string().min(1).default('master'),
  KEYCLOAK_ADMIN_CLIENT_ID: z.string().min(1).default('admin-cli'),
  KEYCLOAK_ADMIN_USERNAME: z.string().min(1).default('admin'),
  KEYCLOAK_ADMIN_PASSWORD: secret(z.string().min(1).default('admin')),
  /** A new tenant's organization gets the domain `<slug>.<suffix>` (Keycloak organizations carry domains). */
  KEYCLOAK_ORG_DOMAIN_SUFFIX: z.string().min(1).default('example'),

  /** Query limits (API safety): nesting depth, aliases per operation, estimated cost. */
  GRAPHQL_MAX_DEPTH: positiveInt(10),
  /** Lexical tokens a document may have; the parser stops there, before any validation work (graphql-js maxTokens). */
  GRAPHQL_MAX_TOKENS: positiveInt(5_000),
  GRAPHQL_MAX_ALIASES: positiveInt(30),
  GRAPHQL_MAX_COST: positiveInt(20_000),
  /** Cost per day of range of a raw `telemetry` scan (one device) and of `kpis` (a whole city's counters). */
  GRAPHQL_COST_TELEMETRY_PER_DAY: positiveInt(30),
  GRAPHQL_COST_KPIS_PER_DAY: positiveInt(300),
  /** Largest page a connection returns; also the list size the cost estimate assumes when `first` is a variable. */
  GRAPHQL_MAX_PAGE_SIZE: positiveInt(500),
  /** Introspection (`true`/`false`); unset means on outside production, off in production. */
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
  /**
   * graphql-ws connections: time to authenticate after opening, connections per user, subscriptions per connection,
   * and messages one subscription may have waiting before its consumer counts as too slow and is dropped.
   */
  LIVE_INIT_TIMEOUT_MS: positiveInt(10_000),
  LIVE_MAX_CONNECTIONS_PER_USER: positiveInt(10),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt(20),
  LIVE_QUEUE_CAPACITY: positiveInt(1_000),
  /**
   * Endpoint names of other tenants a tenant may run into per window when provisioning, before its provisioning
   * pauses for the rest of the window (bounds the endpoint-name oracle until names are unique per tenant).
   */
  PROVISION_PROBE_BUDGET: positiveInt(20),
  PROVISION_PROBE_WINDOW_SECONDS: positiveInt(3_600),
  /** Quotas: how long a tenant's limits are cached, how often API calls are flushed and usage metered. */
  QUOTA_CACHE_MS: positiveInt(30_000),
  USAGE_FLUSH_INTERVAL_MS: positiveInt(60_000),
  USAGE_METER_INTERVAL_MS: positiveInt(300_000),
  /** Largest number of buckets a telemetry query may return. */
  TELEMETRY_MAX_POINTS: positiveInt(10_000),
  /**
   * OpenTelemetry tracing (issue 22), off by default: TRACING_ENABLED, TRACING_SAMPLE_RATIO (share of commands that
   * start a recorded trace), OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME (default `gateway`).
   */
  ...tracingConfigShape,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function isProduction(config: Pick<GatewayConfig, 'NODE_ENV'>): boolean {
  return config.NODE_ENV === 'production';
}

/** Settings that must not keep their development default in production (they would be public knowledge). */
export function productionProblems(config: GatewayConfig): string[] {
  if (!isProduction(config)) return [];
  return config.CREDENTIAL_KEYS.split(',').some((k) =>
    LOCAL_STACK.credentialKeys.split(',').includes(k.trim()),
  )
    ? ['CREDENTIAL_KEYS: the local development key cannot seal device secrets in production']
    : [];
}

export function introspectionEnabled(
  config: Pick<GatewayConfig, 'NODE_ENV' | 'GRAPHQL_INTROSPECTION'>,
): boolean {
  return config.GRAPHQL_INTROSPECTION === undefined
    ? !isProduction(config)
    : config.GRAPHQL_INTROSPECTION === 'true';
}
