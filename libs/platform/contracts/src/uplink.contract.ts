import { z } from 'zod';

/**
 * Contract of `lwm2m.uplink.v1` (ingest -> decoder). JSON value, key `<tenant>/<endpoint>`.
 * The raw payload travels base64-encoded with its CoAP Content-Format so the decoder, not the ingest, interprets
 * it with the object versions the device registered (LwM2M Core 1.1.1 §6.2.1 `ver` link attribute).
 * `receivedAt` is the server receive time (ms since epoch): it is the time of values that carry none, so a replay
 * of the same message produces the same rows (idempotent writes).
 */
export const UPLINK_SCHEMA_VERSION = 1;

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
  lifetime: z.number().int().positive(),
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
  lifetime: z.number().int().positive().optional(),
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
};

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
