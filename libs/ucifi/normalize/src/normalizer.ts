import { type DataType, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { DEFAULT_OBJECT_VERSION, type ModelRegistry } from '@smartcity/ucifi-model';
import {
  type Measurement,
  type MeasurementQuality,
  type MeasurementValue,
  type MeasurementValueType,
  type NormalizationContext,
} from './measurement';
import { MetricCatalog, type MetricDescriptor } from './metric-catalog';

/** Reusable resources folded into the other values of their instance instead of being stored as values. */
export const TIMESTAMP_RESOURCE = 5518; // Time: when the instance's values were measured
export const FRACTIONAL_TIMESTAMP_RESOURCE = 6050; // Float seconds added to 5518
export const QUALITY_INDICATOR_RESOURCE = 6042; // Integer 0..23
export const QUALITY_LEVEL_RESOURCE = 6049; // Integer 0..100

/** RFC 8428 §4.5.3: a SenML time below 2^28 is relative to the current (here: receive) time. */
const SENML_RELATIVE_TIME_LIMIT = 2 ** 28;

const NUMERIC: ReadonlySet<DataType> = new Set<DataType>(['integer', 'unsigned', 'float', 'time']);

interface InstanceMeta {
  timestamp?: number;
  fraction?: number;
  indicator?: number;
  level?: number;
}

interface Resolved {
  readonly version: string;
  readonly table: ReadonlyMap<number, MetricDescriptor> | undefined;
}

/**
 * Turns decoded LwM2M records into measurements: metric key, category, canonical unit (with cross-version
 * conversions), time and quality. Stateless between calls apart from lookup caches; one instance per process.
 * Allocation per value: the output object only (lookups are precomputed per object version).
 */
export class MeasurementNormalizer {
  readonly catalog: MetricCatalog;
  /** objectId -> announced version -> resolution; bounded by the number of distinct announced versions. */
  private readonly resolutions = new Map<number, Map<string, Resolved>>();

  constructor(private readonly registry: ModelRegistry) {
    this.catalog = new MetricCatalog(registry);
  }

  /** Appends the measurements of `records` to `out` (a fresh array when omitted) and returns it. */
  normalize(
    records: readonly Lwm2mRecord[],
    context: NormalizationContext,
    out: Measurement[] = [],
  ): Measurement[] {
    const meta = collectInstanceMeta(records);
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as Lwm2mRecord;
      const path = record.path;
      const objectId = path.objectId;
      const instanceId = path.instanceId;
      const resourceId = path.resourceId;
      // Values live at resource or resource-instance level (LwM2M Core 1.1.1 §7.1); anything else has no value.
      if (objectId === undefined || instanceId === undefined || resourceId === undefined) continue;
      if (record.type === 'none') continue;
      if (meta !== undefined && isMetaResource(resourceId)) continue;

      const resolved = this.resolve(objectId, context.objectVersions.get(objectId));
      const descriptor =
        resolved.table?.get(resourceId) ?? this.catalog.describe(objectId, resolved.version, resourceId);
      const instanceMeta =
        meta === undefined
          ? undefined
          : (meta.get(metaKey(objectId, instanceId, record.time)) ??
            meta.get(metaKey(objectId, instanceId, undefined)));

      let valueType: MeasurementValueType = record.type;
      let value: MeasurementValue;
      switch (record.type) {
        case 'integer':
        case 'unsigned':
        case 'float':
        case 'time': {
          const raw = record.value;
          if (typeof raw === 'bigint') {
            value = Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
          } else value = raw;
          if (typeof value === 'number') {
            if (descriptor.factor !== 1 && record.type !== 'time') {
              value = Number((value * descriptor.factor).toPrecision(15));
              valueType = Number.isInteger(value) && record.type !== 'float' ? record.type : 'float';
            } else if (NUMERIC.has(descriptor.canonicalType)) {
              valueType = descriptor.canonicalType as MeasurementValueType;
            }
          }
          break;
        }
        case 'string':
          value = record.value;
          // A resource that became numeric in a later version (3416/39 String -> Integer in 2.0) keeps one type.
          if (NUMERIC.has(descriptor.canonicalType) && record.value.trim() !== '') {
            const n = Number(record.value);
            if (Number.isFinite(n)) {
              value = descriptor.factor !== 1 ? Number((n * descriptor.factor).toPrecision(15)) : n;
              valueType = descriptor.canonicalType as MeasurementValueType;
            }
          }
          break;
        case 'boolean':
        case 'corelnk':
          value = record.value;
          break;
        case 'opaque':
          value = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength).toString(
            'base64',
          );
          break;
        case 'objlnk':
          value = `${record.value.objectId}:${record.value.instanceId}`;
          break;
      }

      out.push({
        tenant: context.tenant,
        deviceId: context.deviceId,
        endpoint: context.endpoint,
        objectId,
        objectVersion: resolved.version,
        instanceId,
        resourceId,
        resourceInstanceId: path.resourceInstanceId,
        path: path.toString(),
        metric: descriptor.metric,
        category: descriptor.category,
        valueType,
        value,
        unit: descriptor.unit,
        time: timeOf(record.time, instanceMeta, context.receivedAt),
        quality: qualityOf(instanceMeta),
      });
    }
    return out;
  }

  private resolve(objectId: number, announced: string | undefined): Resolved {
    const requested = announced ?? DEFAULT_OBJECT_VERSION;
    let byVersion = this.resolutions.get(objectId);
    if (!byVersion) this.resolutions.set(objectId, (byVersion = new Map()));
    let resolved = byVersion.get(requested);
    if (!resolved) {
      const r = this.registry.resolve(objectId, requested);
      const version = r?.resolvedVersion ?? requested;
      resolved = { version, table: this.catalog.table(objectId, version) };
      byVersion.set(requested, resolved);
    }
    return resolved;
  }
}

function isMetaResource(resourceId: number): boolean {
  return (
    resourceId === TIMESTAMP_RESOURCE ||
    resourceId === FRACTIONAL_TIMESTAMP_RESOURCE ||
    resourceId === QUALITY_INDICATOR_RESOURCE ||
    resourceId === QUALITY_LEVEL_RESOURCE
  );
}

/** Meta values apply to the values of the same instance reported with the same record time (or none). */
function metaKey(objectId: number, instanceId: number, time: number | undefined): string {
  return time === undefined ? `${objectId}/${instanceId}` : `${objectId}/${instanceId}@${time}`;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** One pass to find 5518/6050/6042/6049 values; returns undefined (no allocation) when the batch has none. */
function collectInstanceMeta(records: readonly Lwm2mRecord[]): Map<string, InstanceMeta> | undefined {
  let meta: Map<string, InstanceMeta> | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as Lwm2mRecord;
    const resourceId = record.path.resourceId;
    if (resourceId === undefined || !isMetaResource(resourceId)) continue;
    const n = toNumber(record.value);
    if (n === undefined || !Number.isFinite(n)) continue;
    meta ??= new Map();
    const key = metaKey(record.path.objectId as number, record.path.instanceId as number, record.time);
    let entry = meta.get(key);
    if (!entry) meta.set(key, (entry = {}));
    if (resourceId === TIMESTAMP_RESOURCE) entry.timestamp = n;
    else if (resourceId === FRACTIONAL_TIMESTAMP_RESOURCE) entry.fraction = n;
    else if (resourceId === QUALITY_INDICATOR_RESOURCE) entry.indicator = n;
    else entry.level = n;
  }
  return meta;
}

/** Microsecond-rounded milliseconds, so 1700000000.123 s does not become 1700000000123.0002 ms. */
function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}

/** Record time (SenML/LwM2M JSON/CBOR), else 5518 Timestamp + 6050 fraction of the instance, else receive time. */
function timeOf(recordTime: number | undefined, meta: InstanceMeta | undefined, receivedAt: number): number {
  if (recordTime !== undefined && Number.isFinite(recordTime)) {
    if (Math.abs(recordTime) < SENML_RELATIVE_TIME_LIMIT) return receivedAt + secondsToMs(recordTime);
    return secondsToMs(recordTime);
  }
  if (meta?.timestamp !== undefined) return secondsToMs(meta.timestamp + (meta.fraction ?? 0));
  return receivedAt;
}

function qualityOf(meta: InstanceMeta | undefined): MeasurementQuality | undefined {
  if (meta === undefined || (meta.indicator === undefined && meta.level === undefined)) return undefined;
  return {
    ...(meta.indicator !== undefined && { indicator: meta.indicator }),
    ...(meta.level !== undefined && { level: meta.level }),
  };
}
