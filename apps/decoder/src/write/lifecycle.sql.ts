import { deviceCategoryOf } from '@smartcity/ucifi-normalize';
import { type LifecycleUplink } from '../uplink/decoded-uplink';
import { type SqlStatement } from './telemetry.sql';

/** Device status after each lifecycle event (Core 1.1.1 §6.2: Register, Update, De-register; lifetime expiry). */
export const STATUS_AFTER = {
  registration: 'REGISTERED',
  update: 'REGISTERED',
  deregistration: 'DEREGISTERED',
  expiry: 'EXPIRED',
} as const satisfies Record<LifecycleUplink['kind'], string>;

/**
 * devices.lifetime is served as a GraphQL Int (32-bit signed): lifetimes beyond 2^31-1 s (68 years; devices send
 * 4294967295 for "never") are stored capped there, exact in the registration history (migration 1764300000000).
 */
export const MAX_SUMMARY_LIFETIME_S = 2_147_483_647;

/** History row; the message id makes a replay insert nothing. */
export function registrationInsert(m: LifecycleUplink): SqlStatement {
  const reg = m.kind === 'registration' || m.kind === 'update' ? m : undefined;
  return {
    text: `INSERT INTO registrations (tenant_id, device_id, message_id, event, time, registration_id, lwm2m_version,
                           binding, lifetime, queue_mode, sms, address, links, object_versions, ingest_instance)
VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
ON CONFLICT (tenant_id, message_id) DO NOTHING`,
    values: [
      m.tenant,
      m.deviceId,
      m.id,
      m.kind,
      m.receivedAt,
      m.registrationId,
      m.kind === 'registration' ? m.lwm2mVersion : null,
      reg?.binding ?? null,
      reg?.lifetime ?? null,
      reg?.queueMode ?? null,
      reg?.sms ?? null,
      reg?.address ?? null,
      reg?.links ?? null,
      JSON.stringify(m.objectVersions),
      m.instanceId,
    ],
  };
}

/**
 * Updates the device's registration summary, unless a later event was already applied (status_changed_at
 * guard): replays and out-of-order deliveries never move the status backwards. An Update carries only what
 * changed (Core 1.1.1 §6.2.2), so absent fields keep their value.
 */
export function deviceStatusUpdate(m: LifecycleUplink): SqlStatement {
  const status = STATUS_AFTER[m.kind];
  const fresh = m.kind === 'registration';
  const reg = m.kind === 'registration' || m.kind === 'update' ? m : undefined;
  // The registration's object list is authoritative; an Update replaces it only when it sent new links.
  const newObjects = fresh || (m.kind === 'update' && m.links !== undefined);
  // A device provisioned without a category (auto-provisioning) takes the one of its domain objects; a category
  // someone set is never overwritten.
  const category = newObjects ? (deviceCategoryOf(Object.keys(m.objectVersions).map(Number)) ?? null) : null;
  return {
    text: `UPDATE devices SET
  status = $2, status_changed_at = to_timestamp($3::float8 / 1000),
  registration_id = $4,
  registered_at = CASE WHEN $5 THEN to_timestamp($3::float8 / 1000) ELSE registered_at END,
  lwm2m_version = COALESCE($6, lwm2m_version),
  binding = COALESCE($7, binding),
  lifetime = COALESCE(LEAST($8::bigint, ${MAX_SUMMARY_LIFETIME_S})::integer, lifetime),
  queue_mode = COALESCE($9, queue_mode),
  object_versions = CASE WHEN $10 THEN $11::jsonb ELSE object_versions END,
  last_seen_at = CASE WHEN $12 THEN GREATEST(last_seen_at, to_timestamp($3::float8 / 1000)) ELSE last_seen_at END,
  category = COALESCE(category, $13)
WHERE id = $1 AND (status_changed_at IS NULL OR status_changed_at <= to_timestamp($3::float8 / 1000))`,
    values: [
      m.deviceId,
      status,
      m.receivedAt,
      m.registrationId,
      fresh,
      m.kind === 'registration' ? m.lwm2mVersion : null,
      reg?.binding ?? null,
      reg?.lifetime ?? null,
      reg?.queueMode ?? null,
      newObjects,
      JSON.stringify(m.objectVersions),
      // Expiry is declared by the server, not heard from the device.
      m.kind !== 'expiry',
      category,
    ],
  };
}
