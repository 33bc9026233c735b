import { type DataType } from '@smartcity/lwm2m-core';

export const CATEGORIES = [
  'lighting',
  'energy',
  'water',
  'gas',
  'environment',
  'mobility',
  'waste',
  'device',
  'connectivity',
  'scheduling',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The LwM2M data type of the normalized value (never `none`: executable resources carry no value). */
export type MeasurementValueType = Exclude<DataType, 'none'>;

/**
 * A value as stored and published: numbers (integer, unsigned, float, time in epoch seconds), booleans and text.
 * Opaque values are base64, object links "objectId:instanceId", integers beyond 2^53 decimal text.
 */
export type MeasurementValue = number | boolean | string;

/** Measurement quality from the reusable resources 6042 (indicator, 0..23) and 6049 (level, 0..100). */
export interface MeasurementQuality {
  readonly indicator?: number;
  readonly level?: number;
}

/** One normalized value of one device: a row of the telemetry hypertable and of `city.<tenant>.telemetry.v1`. */
export interface Measurement {
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
  readonly objectId: number;
  /** The object version the value was interpreted with (after fallback for unknown versions). */
  readonly objectVersion: string;
  readonly instanceId: number;
  readonly resourceId: number;
  readonly resourceInstanceId?: number;
  /** LwM2M path of the value, e.g. "/3424/0/1". */
  readonly path: string;
  /** Stable snake-case key "<object>.<resource>", e.g. "water_meter.cumulated_water_volume". */
  readonly metric: string;
  readonly category: Category;
  readonly valueType: MeasurementValueType;
  readonly value: MeasurementValue;
  /** Canonical SenML unit (RFC 8428 §12.1, RFC 8798) or null when the resource has none. */
  readonly unit: string | null;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  readonly quality?: MeasurementQuality;
}

/** Registration context the normalizer needs besides the decoded records. */
export interface NormalizationContext {
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
  /** Object id -> version announced at registration (`</3416>;ver=2.0`); absent objects are version 1.0. */
  readonly objectVersions: ReadonlyMap<number, string>;
  /** Server receive time, ms since the epoch: the time of values that carry none. */
  readonly receivedAt: number;
}
