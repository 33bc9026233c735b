import { type AlarmTransition } from '../alarms/alarm-transition';
import {
  type DeregistrationUplink,
  type ExpiryUplink,
  type NotifyUplink,
  type RegistrationUplink,
  type SendUplink,
  type UpdateUplink,
} from '@smartcity/platform-contracts';

/**
 * One normalized value, ready for a telemetry row. Exactly one of the value columns is set (the others null),
 * chosen by the resource's LwM2M data type. `timeSec` is seconds since the epoch (fractional allowed): the
 * record's own time (SenML `bt`+`t`) or, when it carries none or one out of bounds, the uplink's receive time (its
 * first attempt's, on a retry the ingest marked), so a replay of the same message produces the same key (device,
 * path, time) and inserts nothing.
 */
export interface TelemetryValue {
  readonly timeSec: number;
  readonly path: string;
  readonly metric: string;
  readonly valueNum: number | null;
  readonly valueBool: boolean | null;
  readonly valueText: string | null;
  /** JSON text (objlnk, bigint beyond float precision as string, structured values). */
  readonly valueJson: string | null;
  readonly unit: string | null;
  readonly quality: string | null;
}

/** Where a consumed message came from: used for DLQ headers, logs and offsets. */
export interface MessageOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type DataUplink = SendUplink | NotifyUplink;
export type LifecycleUplink = RegistrationUplink | UpdateUplink | DeregistrationUplink | ExpiryUplink;

export interface DecodedData {
  readonly kind: 'data';
  readonly origin: MessageOrigin;
  readonly message: DataUplink;
  readonly values: readonly TelemetryValue[];
  /** Raise/clear requests of the alarm rules for these values. */
  readonly alarms: readonly AlarmTransition[];
  /** Device times out of bounds, replaced by the receive time (counted in metrics). */
  readonly timesReplaced?: { readonly future: number; readonly past: number };
}

export interface DecodedLifecycle {
  readonly kind: 'lifecycle';
  readonly origin: MessageOrigin;
  readonly message: LifecycleUplink;
}

export type DecodedUplink = DecodedData | DecodedLifecycle;
