/**
 * Kafka topic names, in one place (docs ARCHITECTURE.md "Kafka topics"). Every topic is versioned; a breaking
 * change to a message contract means a new topic version, never an in-place change.
 */
export const TOPICS = {
  /** ingest -> decoder: registration lifecycle, Send and Notify. Key `<tenant>/<endpoint>`. */
  uplink: 'lwm2m.uplink.v1',
  /** decoder: poison uplinks, with error headers. Same key. */
  uplinkDlq: 'lwm2m.uplink.dlq.v1',
  /** gateway -> ingest: device management requests. Key `<tenant>/<endpoint>`. */
  downlink: 'lwm2m.downlink.v1',
  /** ingest -> decoder/gateway: outcomes of downlinks. Key `<tenant>/<endpoint>`. */
  downlinkResult: 'lwm2m.downlink-result.v1',
} as const;

export type PlatformTopic = (typeof TOPICS)[keyof typeof TOPICS];

/** Default partition counts: keys keep per-device order; partitions bound decoder parallelism. */
export const TOPIC_PARTITIONS: Readonly<Record<PlatformTopic, number>> = {
  [TOPICS.uplink]: 12,
  [TOPICS.uplinkDlq]: 3,
  [TOPICS.downlink]: 6,
  [TOPICS.downlinkResult]: 6,
};

/** Largest message on the uplink path: the contract allows 2 MB base64 payloads (8 MiB leaves headroom). */
const LARGE_MESSAGES = { 'max.message.bytes': String(8 * 1024 * 1024) };

/** Broker settings of each platform topic: whichever app creates it first, they all agree. */
export const TOPIC_CONFIGS: Readonly<Record<PlatformTopic, Readonly<Record<string, string>>>> = {
  [TOPICS.uplink]: LARGE_MESSAGES,
  [TOPICS.uplinkDlq]: LARGE_MESSAGES,
  [TOPICS.downlink]: {},
  [TOPICS.downlinkResult]: LARGE_MESSAGES,
};

export interface PlatformTopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

/**
 * How to create a platform topic, under its own name or a renamed copy (a test's or benchmark's run topic, which
 * may ask for fewer partitions): partitions and limits come from here only.
 */
export function topicSpec(kind: PlatformTopic, name: string = kind, partitions?: number): PlatformTopicSpec {
  const own = name === kind || partitions === undefined;
  return { topic: name, partitions: own ? TOPIC_PARTITIONS[kind] : partitions, configs: TOPIC_CONFIGS[kind] };
}

/** Tenant slug: `[a-z0-9-]{2,32}` (ARCHITECTURE.md "Tenancy and identity"). */
export const TENANT_SLUG = /^[a-z0-9-]{2,32}$/;

export function isTenantSlug(value: string): boolean {
  return TENANT_SLUG.test(value);
}

function assertTenant(tenant: string): string {
  if (!isTenantSlug(tenant)) throw new RangeError(`invalid tenant slug "${tenant}"`);
  return tenant;
}

/** Every city's partner topics start with this (the decoder's and gateway's prefixed ACLs, KIP-290). */
export const CITY_TOPIC_PREFIX = 'city.';

/** Partner topic of normalized measurements for one city. Key: device id. */
export function cityTelemetryTopic(tenant: string): string {
  return `${CITY_TOPIC_PREFIX}${assertTenant(tenant)}.telemetry.v1`;
}

/** Partner topic of alarms, lifecycle and command outcomes for one city. Key: device id. */
export function cityEventsTopic(tenant: string): string {
  return `${CITY_TOPIC_PREFIX}${assertTenant(tenant)}.events.v1`;
}

/** The prefix a partner principal gets READ ACLs on (prefixed ACL, KIP-290). */
export function cityTopicPrefix(tenant: string): string {
  return `${CITY_TOPIC_PREFIX}${assertTenant(tenant)}.`;
}

/** Message key of device-scoped platform topics: keeps per-device order within a partition. */
export function deviceKey(tenant: string, endpoint: string): string {
  return `${tenant}/${endpoint}`;
}

/** Header carrying the contract's schema version on every message. */
export const SCHEMA_VERSION_HEADER = 'schema-version';
