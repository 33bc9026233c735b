import { z } from 'zod';

/**
 * Contracts of `lwm2m.downlink.v1` (gateway -> ingest: device management requests) and
 * `lwm2m.downlink-result.v1` (ingest -> decoder/gateway: their outcome). JSON values, key `<tenant>/<endpoint>`.
 * Operations are the LwM2M Device Management and Information Reporting interfaces (Core 1.1.1 §6.3, §6.4).
 */
export const DOWNLINK_SCHEMA_VERSION = 1;

const lwm2mPath = z.string().regex(/^\/(\d{1,5}(\/\d{1,5}){0,3})?$/);
const payloadFields = {
  contentFormat: z.number().int().min(0).max(65535),
  /** Raw payload, base64. */
  payload: z.string().max(2_000_000),
};
const attributes = z
  .object({
    pmin: z.number().int().nonnegative().nullable(),
    pmax: z.number().int().nonnegative().nullable(),
    gt: z.number().nullable(),
    lt: z.number().nullable(),
    st: z.number().nonnegative().nullable(),
    epmin: z.number().int().nonnegative().nullable(),
    epmax: z.number().int().nonnegative().nullable(),
  })
  .partial();

export const downlinkOperation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('read'), path: lwm2mPath, accept: z.number().int().optional() }),
  z.object({ op: z.literal('discover'), path: lwm2mPath }),
  /** `replace` true: PUT (replace); false: POST (partial update), Core 1.1.1 §6.3.3. */
  z.object({ op: z.literal('write'), path: lwm2mPath, replace: z.boolean(), ...payloadFields }),
  z.object({ op: z.literal('write-attributes'), path: lwm2mPath, attributes }),
  z.object({ op: z.literal('execute'), path: lwm2mPath, arguments: z.string().max(1024).optional() }),
  z.object({ op: z.literal('create'), path: lwm2mPath, ...payloadFields }),
  z.object({ op: z.literal('delete'), path: lwm2mPath }),
  z.object({ op: z.literal('observe'), path: lwm2mPath, accept: z.number().int().optional() }),
  z.object({ op: z.literal('cancel-observation'), path: lwm2mPath }),
]);

/**
 * Composite operations (LwM2M 1.1, Core 1.1.1 §6.3.4 Read-Composite: FETCH with the list of paths as SenML;
 * §6.3.6 Write-Composite: iPATCH with SenML records). Kept apart from `downlinkOperation` so the single-path
 * request builders stay exhaustive over their own union.
 */
export const downlinkCompositeOperation = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('read-composite'),
    paths: z.array(lwm2mPath).min(1).max(256),
    accept: z.number().int().optional(),
  }),
  z.object({ op: z.literal('write-composite'), ...payloadFields }),
  /** Observe-Composite and its cancellation (Core 1.1.1 §6.4.1, §6.4.3: FETCH with Observe 0 / 1). */
  z.object({
    op: z.literal('observe-composite'),
    paths: z.array(lwm2mPath).min(1).max(256),
    accept: z.number().int().optional(),
  }),
  z.object({ op: z.literal('cancel-observe-composite'), paths: z.array(lwm2mPath).min(1).max(256) }),
]);

export const downlinkRequest = z.object({
  v: z.literal(DOWNLINK_SCHEMA_VERSION),
  /** Command id (commands.id): the result carries it back. */
  id: z.string().min(1).max(128),
  tenant: z.string().regex(/^[a-z0-9-]{2,32}$/),
  endpoint: z.string().min(1).max(255),
  operation: z.union([downlinkOperation, downlinkCompositeOperation]),
  issuedAt: z.number().int().nonnegative(),
  /** Epoch ms after which the request is not sent any more (a queue-mode device may sleep until then). */
  deadline: z.number().int().nonnegative(),
});

export const downlinkStatus = z.enum([
  /** Intermediate: the request left for the device (it was awake); a final status follows. */
  'sent',
  /** The device answered (any CoAP code: see `coapCode`). */
  'completed',
  /** The device did not answer (no ACK after retransmissions, or no response in time). */
  'timeout',
  /** The device rejected the request with a CoAP Reset. */
  'rejected',
  /** The endpoint has no live registration. */
  'not-registered',
  /** The deadline passed while the request waited for a queue-mode device to wake up. */
  'expired',
  /** The request is invalid (bad path or payload for the operation). */
  'invalid',
]);

export const downlinkResult = z.object({
  v: z.literal(DOWNLINK_SCHEMA_VERSION),
  id: z.string().min(1).max(128),
  tenant: z.string().regex(/^[a-z0-9-]{2,32}$/),
  endpoint: z.string().min(1).max(255),
  op: z.enum([
    'read',
    'discover',
    'write',
    'write-attributes',
    'execute',
    'create',
    'delete',
    'observe',
    'cancel-observation',
    'read-composite',
    'write-composite',
    'observe-composite',
    'cancel-observe-composite',
  ]),
  status: downlinkStatus,
  /** CoAP response code, "2.05". */
  coapCode: z
    .string()
    .regex(/^\d\.\d{2}$/)
    .optional(),
  contentFormat: z.number().int().min(0).max(65535).optional(),
  payload: z.string().max(2_000_000).optional(),
  /** Human-readable reason of a failure (diagnostic payload, timeout...). */
  error: z.string().max(2000).optional(),
  instanceId: z.string().min(1).max(128),
  completedAt: z.number().int().nonnegative(),
});

export type DownlinkOperation = z.infer<typeof downlinkOperation>;
export type DownlinkCompositeOperation = z.infer<typeof downlinkCompositeOperation>;
export type DownlinkAnyOperation = DownlinkRequest['operation'];
export type DownlinkRequest = z.infer<typeof downlinkRequest>;
export type DownlinkStatus = z.infer<typeof downlinkStatus>;
export type DownlinkResult = z.infer<typeof downlinkResult>;
