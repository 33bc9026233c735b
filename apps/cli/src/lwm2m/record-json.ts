import {
  type DataType,
  Lwm2mPath,
  type Lwm2mRecord,
  type Lwm2mValue,
  type ObjectLink,
  formatObjectLink,
  isDataType,
  isValueOfType,
  isoToTime,
  normalizeInteger,
  parseObjectLink,
  timeToIso,
} from '@smartcity/lwm2m-core';
import { fromBase64, toBase64 } from '@smartcity/lwm2m-codec';

/**
 * The CLI's JSON form of a record: `{"path":"/3/0/0","type":"string","value":"Open Mobile Alliance"}`, plus
 * `"time"` when the format carried one. Opaque is base64, Time and record times ISO-8601 UTC, Objlnk "3:0",
 * integers beyond 2**53 decimal strings (JSON numbers would round them), floats -0, NaN and ±Infinity as strings.
 */
export interface RecordJson {
  path: string;
  type: DataType;
  value: unknown;
  time?: string;
}

export function recordToJson(r: Lwm2mRecord): RecordJson {
  const out: RecordJson = { path: String(r.path), type: r.type, value: valueToJson(r.type, r.value) };
  if (r.time !== undefined) out.time = timeToIso(r.time);
  return out;
}

function valueToJson(type: DataType, value: Lwm2mValue): unknown {
  switch (type) {
    case 'opaque':
      return toBase64(value as Uint8Array);
    case 'time':
      return timeToIso(value as number);
    case 'objlnk':
      return formatObjectLink(value as ObjectLink);
    case 'integer':
    case 'unsigned':
      return typeof value === 'bigint' ? value.toString() : value;
    case 'float':
      // JSON.stringify(-0) is "0": negative zero and non-finite values travel as strings.
      if (Object.is(value, -0)) return '-0';
      return Number.isFinite(value) ? value : String(value);
    default:
      return value;
  }
}

/** Sorted by path (numerically, parents first); records of one path keep their order (time order in a Send). */
export function recordsToJsonText(records: readonly Lwm2mRecord[]): string {
  const sorted = records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => Lwm2mPath.compare(a.r.path, b.r.path) || a.i - b.i)
    .map(({ r }) => JSON.stringify(recordToJson(r)));
  return sorted.length === 0 ? '[]' : `[\n  ${sorted.join(',\n  ')}\n]`;
}

/** Reads the JSON printed by decode back into records; throws Error(message naming the record) on bad input. */
export function recordsFromJson(doc: unknown): Lwm2mRecord[] {
  if (!Array.isArray(doc)) throw new Error('input must be a JSON array of {path, type, value[, time]}');
  return doc.map((item: unknown, i) => {
    const fail = (message: string): never => {
      throw new Error(`record ${i}: ${message}`);
    };
    if (typeof item !== 'object' || item === null) return fail('not an object');
    const { path: p, type, value, time, ...rest } = item as Record<string, unknown>;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined) fail(`unknown field "${unknownKey}"`);
    const path = typeof p === 'string' ? Lwm2mPath.tryParse(p) : undefined;
    if (!path) return fail(`"path" ${JSON.stringify(p)} is not an LwM2M path`);
    if (typeof type !== 'string' || !isDataType(type))
      return fail(`"type" ${JSON.stringify(type)} is not an LwM2M data type`);
    const parsed = valueFromJson(type, value);
    if (parsed === undefined || !isValueOfType(type, parsed))
      return fail(`${JSON.stringify(value)} is not a valid ${type} value`);
    let seconds: number | undefined;
    if (time !== undefined) {
      seconds = typeof time === 'string' ? isoToTime(time) : undefined;
      if (seconds === undefined) fail(`"time" ${JSON.stringify(time)} is not ISO-8601 with a zone`);
    }
    const record = { path, type, value: parsed } as Lwm2mRecord;
    return seconds === undefined ? record : { ...record, time: seconds };
  });
}

function valueFromJson(type: DataType, value: unknown): Lwm2mValue | undefined {
  switch (type) {
    case 'opaque':
      return typeof value === 'string' ? fromBase64(value) : undefined;
    case 'time':
      return typeof value === 'string' ? isoToTime(value) : typeof value === 'number' ? value : undefined;
    case 'objlnk':
      return typeof value === 'string' ? parseObjectLink(value) : undefined;
    case 'integer':
    case 'unsigned':
      if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return normalizeInteger(BigInt(value));
      return typeof value === 'number' ? value : undefined;
    case 'float':
      if (value === 'NaN' || value === 'Infinity' || value === '-Infinity' || value === '-0')
        return Number(value);
      return typeof value === 'number' ? value : undefined;
    default:
      return value as Lwm2mValue;
  }
}
