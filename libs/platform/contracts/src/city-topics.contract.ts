/**
 * Contract of the partner topics `city.<tenant>.telemetry.v1` and `city.<tenant>.events.v1` (decoder -> partners,
 * gateway), documented in docs/asyncapi/asyncapi.yaml (JSON Schemas in docs/asyncapi/schemas). Every message has a `schema-version` header
 * and a stable `id`: delivery is at-least-once (a replay after a crash republishes), so partners dedupe by id.
 */
export const PARTNER_SCHEMA_VERSION = 1;

export interface PartnerMeasurement {
  readonly time: string;
  readonly path: string;
  readonly metric: string;
  readonly value: number | boolean | string | null;
  readonly unit: string | null;
  readonly quality?: unknown;
}

/** One data uplink (Send or Notify) of one device, normalized. Key: device id. */
export interface TelemetryMessage {
  readonly id: string;
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
  readonly receivedAt: string;
  readonly source: 'send' | 'notify';
  readonly measurements: readonly PartnerMeasurement[];
}

export type DeviceEventType =
  'device.registered' | 'device.updated' | 'device.deregistered' | 'device.expired';
export type AlarmEventType = 'alarm.raised' | 'alarm.cleared';

export interface DeviceEvent {
  readonly id: string;
  readonly type: DeviceEventType;
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
  readonly time: string;
  readonly registration: {
    readonly registrationId: string;
    readonly lwm2mVersion?: string;
    readonly binding?: string;
    readonly lifetime?: number;
    readonly queueMode?: boolean;
    readonly objectVersions: Readonly<Record<string, string>>;
  };
}

export interface AlarmEvent {
  readonly id: string;
  readonly type: AlarmEventType;
  readonly tenant: string;
  readonly deviceId: string;
  readonly time: string;
  readonly alarm: {
    readonly id: string;
    readonly type: string;
    readonly severity: string;
    readonly status: 'ACTIVE' | 'CLEARED';
    readonly message: string | null;
    readonly path: string | null;
    readonly raisedAt: string;
    readonly clearedAt: string | null;
    readonly details: Readonly<Record<string, unknown>>;
  };
}

export type PartnerEvent = DeviceEvent | AlarmEvent;
