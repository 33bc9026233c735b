/** Rows as the repositories return them (snake_case columns mapped to camelCase). */
export interface DeviceRow {
  readonly id: string;
  readonly tenantId: string;
  readonly endpoint: string;
  readonly name: string | null;
  readonly category: string | null;
  readonly profile: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly attributes: Record<string, unknown>;
  readonly autoProvisioned: boolean;
  readonly decommissionedAt: Date | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
  readonly status: 'NEVER_SEEN' | 'REGISTERED' | 'DEREGISTERED' | 'EXPIRED';
  readonly statusChangedAt: Date | null;
  readonly registrationId: string | null;
  readonly registeredAt: Date | null;
  readonly lwm2mVersion: string | null;
  readonly binding: string | null;
  readonly lifetime: number | null;
  readonly queueMode: boolean | null;
  /** Object id -> object version announced at registration (LwM2M Core 1.1.1 §6.2.1 `ver`). */
  readonly objectVersions: Record<string, string>;
  /** The device's credential kind (no credential: nosec) and its PSK identity; never key material. */
  readonly securityMode: 'nosec' | 'psk' | 'rpk' | 'x509';
  readonly pskIdentity: string | null;
}

export interface StateRow {
  readonly deviceId: string;
  readonly path: string;
  readonly metric: string;
  readonly time: Date;
  readonly valueNum: number | null;
  readonly valueBool: boolean | null;
  readonly valueText: string | null;
  readonly valueJson: unknown;
  readonly unit: string | null;
  readonly quality: string | null;
}

export const DEVICE_COLUMNS = `id, tenant_id AS "tenantId", endpoint, name, category, profile, latitude, longitude,
  attributes, auto_provisioned AS "autoProvisioned", decommissioned_at AS "decommissionedAt",
  created_at AS "createdAt", last_seen_at AS "lastSeenAt", status, status_changed_at AS "statusChangedAt",
  registration_id AS "registrationId", registered_at AS "registeredAt", lwm2m_version AS "lwm2mVersion", binding,
  lifetime, queue_mode AS "queueMode", object_versions AS "objectVersions",
  COALESCE((SELECT c.mode FROM device_credentials c WHERE c.device_id = devices.id), 'nosec') AS "securityMode",
  (SELECT c.psk_identity FROM device_credentials c WHERE c.device_id = devices.id) AS "pskIdentity"`;

export const STATE_COLUMNS = `device_id AS "deviceId", path, metric, time, value_num AS "valueNum",
  value_bool AS "valueBool", value_text AS "valueText", value_json AS "valueJson", unit, quality`;
