import { type DeviceRow, type StateRow } from './device.rows';
import { RegistrationStatus, SecurityMode } from './device.enums';
import {
  type AnnouncedObject,
  type Device,
  type ObjectInstanceState,
  type Registration,
  type ResourceState,
} from './device.models';

/** Names of objects and resources from the object models (uCIFI + OMA core), for the version a device speaks. */
export interface ObjectNames {
  objectName(objectId: number, version: string | undefined): string | null;
  resourceName(objectId: number, version: string | undefined, resourceId: number): string | null;
}

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    tenantId: row.tenantId,
    endpoint: row.endpoint,
    name: row.name,
    category: row.category,
    profile: row.profile,
    location:
      row.latitude !== null && row.longitude !== null
        ? { latitude: row.latitude, longitude: row.longitude }
        : null,
    attributes: row.attributes ?? {},
    status: RegistrationStatus[row.status],
    online: row.status === 'REGISTERED' && row.decommissionedAt === null,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    decommissionedAt: row.decommissionedAt,
    autoProvisioned: row.autoProvisioned,
    securityMode: toSecurityMode(row.securityMode),
    pskIdentity: row.pskIdentity,
  };
}

export function toSecurityMode(mode: DeviceRow['securityMode']): SecurityMode {
  switch (mode) {
    case 'nosec':
      return SecurityMode.NOSEC;
    case 'psk':
      return SecurityMode.PSK;
    case 'rpk':
      return SecurityMode.RPK;
    case 'x509':
      return SecurityMode.X509;
  }
}

export function toRegistration(row: DeviceRow, names: ObjectNames): Registration {
  const objects: AnnouncedObject[] = Object.entries(row.objectVersions ?? {})
    .map(([id, version]) => ({ objectId: Number(id), version, name: names.objectName(Number(id), version) }))
    .filter((o) => Number.isInteger(o.objectId))
    .sort((a, b) => a.objectId - b.objectId);
  return {
    endpoint: row.endpoint,
    registrationId: row.registrationId,
    status: RegistrationStatus[row.status],
    lwm2mVersion: row.lwm2mVersion,
    binding: row.binding,
    lifetime: row.lifetime,
    queueMode: row.queueMode,
    registeredAt: row.registeredAt,
    lastSeenAt: row.lastSeenAt,
    statusChangedAt: row.statusChangedAt,
    objects,
  };
}

/** `/3424/0/1` or `/3424/0/1/2` -> ids; null for paths that do not name a resource. */
export function parseResourcePath(path: string): [number, number, number, number | null] | null {
  const parts = path.split('/');
  if (parts[0] !== '' || parts.length < 4 || parts.length > 5) return null;
  const ids = parts.slice(1).map(Number);
  if (!ids.every((n) => Number.isInteger(n) && n >= 0 && n <= 65535)) return null;
  return [ids[0] as number, ids[1] as number, ids[2] as number, ids.length === 4 ? (ids[3] as number) : null];
}

/**
 * Groups a device's latest values by object instance (LwM2M Core 1.1.1 §7.1: object / instance / resource
 * [/ resource instance]), named with the model of the object version the device announced.
 */
export function groupState(
  rows: readonly StateRow[],
  objectVersions: Readonly<Record<string, string>>,
  names: ObjectNames,
): ObjectInstanceState[] {
  const byInstance = new Map<string, ObjectInstanceState>();
  for (const row of rows) {
    const ids = parseResourcePath(row.path);
    if (!ids) continue;
    const [objectId, instanceId, resourceId, resourceInstanceId] = ids;
    const version = objectVersions[String(objectId)];
    const key = `${objectId}/${instanceId}`;
    let instance = byInstance.get(key);
    if (!instance) {
      instance = {
        objectId,
        instanceId,
        objectName: names.objectName(objectId, version),
        objectVersion: version ?? null,
        updatedAt: row.time,
        resources: [],
      };
      byInstance.set(key, instance);
    }
    if (row.time > instance.updatedAt) instance.updatedAt = row.time;
    const resource: ResourceState = {
      path: row.path,
      resourceId,
      resourceInstanceId,
      metric: row.metric,
      name: names.resourceName(objectId, version, resourceId),
      valueNum: row.valueNum,
      valueBool: row.valueBool,
      valueText: row.valueText,
      valueJson: row.valueJson ?? null,
      unit: row.unit,
      time: row.time,
      quality: row.quality,
    };
    instance.resources.push(resource);
  }
  const out = [...byInstance.values()].sort((a, b) => a.objectId - b.objectId || a.instanceId - b.instanceId);
  for (const instance of out)
    instance.resources.sort(
      (a, b) => a.resourceId - b.resourceId || (a.resourceInstanceId ?? -1) - (b.resourceInstanceId ?? -1),
    );
  return out;
}
