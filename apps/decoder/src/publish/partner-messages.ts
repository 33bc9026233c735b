import {
  alarmEvent as partnerAlarmEvent,
  type AlarmEvent,
  type DeviceEvent,
  type DeviceEventType,
  type PartnerMeasurement,
  type TelemetryMessage,
} from '@smartcity/platform-contracts';
import { type AlarmRow } from '../alarms/alarm.sql';
import { type DecodedData, type LifecycleUplink } from '../uplink/decoded-uplink';

export {
  PARTNER_SCHEMA_VERSION,
  type AlarmEvent,
  type AlarmEventType,
  type DeviceEvent,
  type DeviceEventType,
  type PartnerEvent,
  type PartnerMeasurement,
  type TelemetryMessage,
} from '@smartcity/platform-contracts';

let cachedHour = NaN;
let cachedPrefix = '';

/**
 * ISO-8601 UTC with milliseconds, as Date#toISOString, for years 0000-9999. Formats the "YYYY-MM-DDTHH:" prefix once
 * per hour (a batch's values share few hours) and the minutes, seconds and milliseconds by hand: it runs for every
 * published value.
 */
export function isoFromSeconds(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const hour = Math.floor(ms / 3_600_000);
  if (hour !== cachedHour || !(ms >= 0 && ms < 253_402_300_800_000)) {
    const iso = new Date(ms).toISOString();
    if (!(ms >= 0 && ms < 253_402_300_800_000)) return iso;
    cachedHour = hour;
    cachedPrefix = iso.slice(0, 14);
  }
  const inHour = ms - hour * 3_600_000;
  const minutes = Math.floor(inHour / 60_000);
  const secs = Math.floor((inHour % 60_000) / 1000);
  const millis = inHour % 1000;
  return (
    cachedPrefix +
    (minutes < 10 ? '0' : '') +
    minutes +
    ':' +
    (secs < 10 ? '0' : '') +
    secs +
    '.' +
    (millis < 10 ? '00' : millis < 100 ? '0' : '') +
    millis +
    'Z'
  );
}

/** Most measurements in one partner message: a large Send (thousands of SenML records) becomes several messages. */
export const MAX_MEASUREMENTS_PER_MESSAGE = 500;

/**
 * The partner messages of one data uplink: one, or one per MAX_MEASUREMENTS_PER_MESSAGE measurements, with ids
 * `<uplink id>` then `<uplink id>#1`, `#2`... (stable, so partners dedupe redeliveries).
 */
export function telemetryMessages(u: DecodedData): TelemetryMessage[] {
  if (u.values.length <= MAX_MEASUREMENTS_PER_MESSAGE) return [telemetryMessage(u)];
  const out: TelemetryMessage[] = [];
  for (let start = 0, part = 0; start < u.values.length; start += MAX_MEASUREMENTS_PER_MESSAGE, part++) {
    const slice = { ...u, values: u.values.slice(start, start + MAX_MEASUREMENTS_PER_MESSAGE) };
    const m = telemetryMessage(slice);
    out.push(part === 0 ? m : { ...m, id: `${m.id}#${part}` });
  }
  return out;
}

export function telemetryMessage(u: DecodedData): TelemetryMessage {
  const m = u.message;
  return {
    id: m.id,
    tenant: m.tenant,
    deviceId: m.deviceId,
    endpoint: m.endpoint,
    receivedAt: new Date(m.receivedAt).toISOString(),
    source: m.kind,
    measurements: u.values.map((v) => {
      const out: PartnerMeasurement = {
        time: isoFromSeconds(v.timeSec),
        path: v.path,
        metric: v.metric,
        value: v.valueNum ?? v.valueBool ?? v.valueText ?? (v.valueJson === null ? null : v.valueJson),
        unit: v.unit,
      };
      return v.quality === null ? out : { ...out, quality: JSON.parse(v.quality) as unknown };
    }),
  };
}

const DEVICE_EVENT: Record<LifecycleUplink['kind'], DeviceEventType> = {
  registration: 'device.registered',
  update: 'device.updated',
  deregistration: 'device.deregistered',
  expiry: 'device.expired',
};

export function deviceEvent(m: LifecycleUplink): DeviceEvent {
  const reg = m.kind === 'registration' || m.kind === 'update' ? m : undefined;
  return {
    id: m.id,
    type: DEVICE_EVENT[m.kind],
    tenant: m.tenant,
    deviceId: m.deviceId,
    endpoint: m.endpoint,
    time: new Date(m.receivedAt).toISOString(),
    registration: {
      registrationId: m.registrationId,
      ...(m.kind === 'registration' ? { lwm2mVersion: m.lwm2mVersion } : {}),
      ...(reg?.binding !== undefined ? { binding: reg.binding } : {}),
      ...(reg?.lifetime !== undefined ? { lifetime: reg.lifetime } : {}),
      ...(reg?.queueMode !== undefined ? { queueMode: reg.queueMode } : {}),
      objectVersions: m.objectVersions,
    },
  };
}

/** The partner event of the row's transition (one builder with the gateway's, in platform-contracts). */
export function alarmEvent(row: AlarmRow): AlarmEvent {
  return partnerAlarmEvent({
    id: row.id,
    tenant: row.tenant_id,
    deviceId: row.device_id,
    type: row.type,
    severity: row.severity,
    status: row.status,
    message: row.message,
    path: row.source_path,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    details: row.details,
  });
}
