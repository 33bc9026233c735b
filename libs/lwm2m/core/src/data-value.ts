import { Lwm2mCodecError } from './codec-error';
import { type DataType, type DataTypeValueMap, type Lwm2mValue, type ObjectLink } from './data-type';

/** Integer limits of LwM2M Core 1.1.1 Appendix C: Integer is signed 64-bit, Unsigned Integer is 64-bit. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;
/** Object Link ids are 16-bit unsigned; 65535 means "no link" (Appendix C, Objlnk). */
export const OBJLNK_MAX_ID = 65535;

/** A number when it is a safe integer, else a bigint: the representation DataTypeValueMap documents. */
export function normalizeInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

export function isInt64(value: number | bigint): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value);
  return value >= INT64_MIN && value <= INT64_MAX;
}

export function isUint64(value: number | bigint): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  return value >= 0n && value <= UINT64_MAX;
}

/** "3:0" (Appendix C: "two 16-bit unsigned integers separated by a colon" in text form). */
export function formatObjectLink(link: ObjectLink): string {
  return `${link.objectId}:${link.instanceId}`;
}

export function parseObjectLink(text: string): ObjectLink | undefined {
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const objectId = Number(m[1]);
  const instanceId = Number(m[2]);
  if (objectId > OBJLNK_MAX_ID || instanceId > OBJLNK_MAX_ID) return undefined;
  return { objectId, instanceId };
}

/** Checks that a JS value is a legal value of the LwM2M type (range included); used by every encoder. */
export function isValueOfType<T extends DataType>(type: T, value: unknown): value is DataTypeValueMap[T] {
  switch (type) {
    case 'string':
    case 'corelnk':
      return typeof value === 'string';
    case 'integer':
      return (typeof value === 'number' || typeof value === 'bigint') && isInt64(value);
    case 'unsigned':
      return (typeof value === 'number' || typeof value === 'bigint') && isUint64(value);
    case 'float':
      return typeof value === 'number';
    case 'time':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'opaque':
      return value instanceof Uint8Array;
    case 'objlnk': {
      const l = value as ObjectLink | null;
      return (
        typeof l === 'object' &&
        l !== null &&
        Number.isInteger(l.objectId) &&
        Number.isInteger(l.instanceId) &&
        l.objectId >= 0 &&
        l.objectId <= OBJLNK_MAX_ID &&
        l.instanceId >= 0 &&
        l.instanceId <= OBJLNK_MAX_ID
      );
    }
    case 'none':
      return value === null;
  }
  return false;
}

/** Throws the codec error an encoder reports for a value that does not fit its declared type. */
export function assertValueOfType(type: DataType, value: Lwm2mValue, where: string, record?: number): void {
  if (!isValueOfType(type, value)) {
    throw new Lwm2mCodecError(
      'invalid-value',
      `${where}: value ${describeValue(value)} is not a valid ${type}`,
      {
        ...(record !== undefined ? { record } : {}),
      },
    );
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 40 ? text.slice(0, 37) + '...' : text;
  } catch {
    return typeof value;
  }
}

/** Seconds since the Unix epoch to ISO-8601 UTC ("1970-01-01T00:00:00Z"); milliseconds only when present. */
export function timeToIso(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

/** ISO-8601 with an explicit zone ("Z" or "+02:00") to seconds since the epoch; undefined if not parseable. */
export function isoToTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
