import { z } from 'zod';

/**
 * Contract of `lwm2m.uplink.v1` (ingest -> decoder). JSON value, key `<tenant>/<endpoint>`.
 * The raw payload travels base64-encoded with its CoAP Content-Format so the decoder, not the ingest, interprets
 * it with the object versions the device registered (LwM2M Core 1.1.1 §6.2.1 `ver` link attribute).
 * `receivedAt` is the server receive time (ms since epoch): it is the time of values that carry none, so a replay
 * of the same message produces the same rows (idempotent writes).
 */
export const UPLINK_SCHEMA_VERSION = 1;

/**
 * Registration lifetime in seconds (Core 1.1.1 §6.2.1 `lt`; the Lifetime resource 1/x/1): an unsigned 32-bit count,
 * where 4294967295 is how devices say "never expire". Bounded here so that nothing beyond it reaches a column.
 */
export const MAX_LIFETIME_S = 4_294_967_295;
const lifetime = z.number().int().positive().max(MAX_LIFETIME_S);

const objectVersions = z.record(z.string().regex(/^\d{1,5}$/), z.string().regex(/^\d+\.\d+$/));

const base = z.object({
  v: z.literal(UPLINK_SCHEMA_VERSION),
  /** Unique per message: `<ingest instance id>:<sequence>`; used for tracing and DLQ diagnostics. */
  id: z.string().min(1).max(128),
  tenant: z.string().regex(/^[a-z0-9-]{2,32}$/),
  endpoint: z.string().min(1).max(255),
  deviceId: z.string().min(1).max(64),
  registrationId: z.string().min(1).max(64),
  /** The ingest instance that received the message (it owns the endpoint's NAT binding). */
  instanceId: z.string().min(1).max(128),
  receivedAt: z.number().int().nonnegative(),
  /** Object id -> object version announced at registration ("1.0" when `ver` is absent). */
  objectVersions,
});

export const registrationUplink = base.extend({
  kind: z.literal('registration'),
  lwm2mVersion: z.enum(['1.0', '1.1', '1.2']),
  lifetime,
  binding: z.string().min(1).max(8),
  queueMode: z.boolean(),
  sms: z.string().max(32).optional(),
  /** The registration's CoRE link-format payload, as received. */
  links: z.string().max(65536),
  /** `ip:port` the device talks from (its NAT binding). */
  address: z.string().max(64),
});

export const updateUplink = base.extend({
  kind: z.literal('update'),
  lifetime: lifetime.optional(),
  binding: z.string().min(1).max(8).optional(),
  queueMode: z.boolean().optional(),
  sms: z.string().max(32).optional(),
  links: z.string().max(65536).optional(),
  address: z.string().max(64),
});

export const deregistrationUplink = base.extend({ kind: z.literal('deregistration') });

/** Published when a registration outlived its lifetime plus grace without an Update (Core 1.1.1 §6.2.2). */
export const expiryUplink = base.extend({ kind: z.literal('expiry') });

const payloadFields = {
  contentFormat: z.number().int().min(0).max(65535),
  /** Raw CoAP payload, base64. */
  payload: z.string().max(2_000_000),
  /**
   * Set by the ingest on a device's retry of a message it answered with 5.03 after publishing it (Kafka answered
   * late, so the first attempt may be stored too): the `receivedAt` of that first attempt (ms). Values without
   * their own time take it instead of `receivedAt`, so the retry writes the same rows as the first attempt
   * (issue 16, finding 4). Absent on first attempts. Ignored by the decoder when later than `receivedAt` or more
   * than MAX_RETRY_SPAN_MS before it.
   */
  firstReceivedAt: z.number().int().nonnegative().optional(),
};

/** How far back `firstReceivedAt` may point: a device gives up a Send long before (CoAP MAX_TRANSMIT_WAIT is 93 s). */
export const MAX_RETRY_SPAN_MS = 3_600_000;

/** The time of a data uplink's untimed values: its first attempt's receive time when the ingest marked a retry. */
export function valueTimeOf(m: { receivedAt: number; firstReceivedAt?: number | undefined }): number {
  const first = m.firstReceivedAt;
  return first !== undefined && first <= m.receivedAt && m.receivedAt - first <= MAX_RETRY_SPAN_MS
    ? first
    : m.receivedAt;
}

/** Send operation, `POST /dp` (LwM2M Core 1.1.1 §6.4.6; Transport §6.4.5). */
export const sendUplink = base.extend({ kind: z.literal('send'), ...payloadFields });

/** A notification of an observation (LwM2M Core 1.1.1 §6.4.2). */
export const notifyUplink = base.extend({
  kind: z.literal('notify'),
  ...payloadFields,
  /** Observed path(s): one for Observe, several for Observe-Composite. */
  paths: z.array(z.string().max(64)).min(1).max(256),
  /** CoAP Observe option value (RFC 7641 §3.4), for ordering diagnostics. */
  observeSeq: z.number().int().nonnegative().optional(),
  token: z.string().max(16),
});

export const uplinkMessage = z.discriminatedUnion('kind', [
  registrationUplink,
  updateUplink,
  deregistrationUplink,
  expiryUplink,
  sendUplink,
  notifyUplink,
]);

export type UplinkMessage = z.infer<typeof uplinkMessage>;
export type RegistrationUplink = z.infer<typeof registrationUplink>;
export type UpdateUplink = z.infer<typeof updateUplink>;
export type DeregistrationUplink = z.infer<typeof deregistrationUplink>;
export type ExpiryUplink = z.infer<typeof expiryUplink>;
export type SendUplink = z.infer<typeof sendUplink>;
export type NotifyUplink = z.infer<typeof notifyUplink>;
export type UplinkKind = UplinkMessage['kind'];
