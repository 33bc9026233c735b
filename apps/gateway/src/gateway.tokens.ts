/** Injection tokens of the infrastructure main.ts builds and hands to the Nest module. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
/** Pool of the application role (RLS applies): every request path. */
export const APP_POOL = Symbol('APP_POOL');
/** Pool of the owner role: platform-admin operations only (tenant management). */
export const OWNER_POOL = Symbol('OWNER_POOL');
export const REDIS = Symbol('REDIS');
/** A second Redis connection in subscriber mode (a subscribed connection cannot run other commands). */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
export const MODEL_REGISTRY = Symbol('MODEL_REGISTRY');
/** Per-tenant and global concurrency limits of database transactions (TenantGates). */
export const TENANT_GATES = Symbol('TENANT_GATES');
/** The gateway's tracing (libs/platform/observability `Tracing`; the disabled one unless TRACING_ENABLED). */
export const TRACING = Symbol('TRACING');
