/**
 * Contract of the partner topics `city.<tenant>.telemetry.v1` and `city.<tenant>.events.v1` (decoder -> partners,
 * gateway), documented in docs/asyncapi/asyncapi.yaml (JSON Schemas in docs/asyncapi/schemas). Every message has a `schema-version` header
 * and a stable `id`: delivery is at-least-once (a replay after a crash republishes), so partners dedupe by id.
 */
import { SCHEMA_VERSION_HEADER } from './topics';

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

/** An alarm as both its writers hold it (the decoder's rows and the gateway's), for {@link alarmEvent}. */
export interface AlarmSnapshot {
  readonly id: string;
  readonly tenant: string;
  readonly deviceId: string;
  readonly type: string;
  readonly severity: string;
  readonly status: 'ACTIVE' | 'CLEARED';
  readonly message: string | null;
  readonly path: string | null;
  readonly raisedAt: Date;
  readonly clearedAt: Date | null;
  readonly details: Readonly<Record<string, unknown>> | null;
}

/**
 * The partner event of an alarm's current transition. The id is derived from the alarm and its transition, so a
 * republished event (decoder retry, gateway clear) keeps its id and partners dedupe it.
 */
export function alarmEvent(a: AlarmSnapshot): AlarmEvent {
  const cleared = a.status === 'CLEARED';
  return {
    id: `${a.id}:${cleared ? 'cleared' : 'raised'}`,
    type: cleared ? 'alarm.cleared' : 'alarm.raised',
    tenant: a.tenant,
    deviceId: a.deviceId,
    time: (cleared && a.clearedAt ? a.clearedAt : a.raisedAt).toISOString(),
    alarm: {
      id: a.id,
      type: a.type,
      severity: a.severity,
      status: a.status,
      message: a.message,
      path: a.path,
      raisedAt: a.raisedAt.toISOString(),
      clearedAt: a.clearedAt ? a.clearedAt.toISOString() : null,
      details: a.details ?? {},
    },
  };
}

export type BootstrapEventType = 'device.bootstrapped' | 'device.bootstrap-failed';

/**
 * One bootstrap sequence of a device (LwM2M Core 1.1.1 §6.1.3) and its outcome, published by the bootstrap server
 * (issue 18). Never a key: the account is described by its server URI and the paths written.
 */
export interface BootstrapEvent {
  /** `<device id>:bootstrap:<start, ms since the epoch>`: one per sequence. */
  readonly id: string;
  readonly type: BootstrapEventType;
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
  /** When the sequence ended. */
  readonly time: string;
  readonly bootstrap: {
    readonly startedAt: string;
    readonly outcome: 'finished' | 'failed' | 'aborted';
    /** The LwM2M server the device was given. */
    readonly serverUri: string;
    /** A re-bootstrap of a device that had a credential: the new one replaces it once the device registers. */
    readonly rotation: boolean;
    /** Object instances written (finished): the new Security and Server instances, then the configured writes. */
    readonly writes?: readonly string[];
    /** Configured object writes the device refused (finished), with its CoAP code (4.04: it lacks the object). */
    readonly skipped?: readonly { readonly path: string; readonly code: string }[];
    /** The device read its Server instance back as written (finished; false: it has no Bootstrap-Read, LwM2M 1.0). */
    readonly verified?: boolean;
    /**
     * Where it stopped (failed, aborted), the device's CoAP code (failed) or why (aborted: timeout, superseded...;
     * failed: read-back-mismatch when the device read back another account than the one written).
     */
    readonly step?: string;
    readonly code?: string;
    readonly reason?: string;
  };
}

export type PartnerEvent = DeviceEvent | AlarmEvent | BootstrapEvent;

/** Headers of a partner event message (the schema version partners check, and its type). */
export function partnerEventHeaders(type: PartnerEvent['type']): Record<string, string> {
  return {
    [SCHEMA_VERSION_HEADER]: String(PARTNER_SCHEMA_VERSION),
    'content-type': 'application/json',
    'message-type': type,
  };
}
