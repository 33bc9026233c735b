import {
  type DataType,
  INT64_MAX,
  INT64_MIN,
  Lwm2mCodecError,
  type Lwm2mValue,
  type ObjectLink,
  UINT64_MAX,
  formatObjectLink,
  normalizeInteger,
  parseObjectLink,
} from '@smartcity/lwm2m-core';
import { CborFloat, type CborItem, CborTagged } from './cbor-item';
import { type CborWriter } from './cbor-writer';

/** RFC 8949 §3.4.2: tag 1, epoch-based date/time. */
export const EPOCH_TIME_TAG = 1;

/**
 * CBOR representation of one LwM2M value (Transport 1.1.1 §7.4.6 Table 7.4.6-1, reused by LwM2M CBOR in 1.2
 * §7.4.7): Integer/Unsigned major type 0/1, Float major type 7, Boolean simple value, String/Corelnk text,
 * Opaque byte string, Time tag 1 + integer (bare integers and floats accepted), Objlnk text "3:0".
 * Returns undefined when the item does not fit the type.
 */
export function cborToValue(type: DataType, item: CborItem): Lwm2mValue | undefined {
  switch (type) {
    case 'string':
    case 'corelnk':
      return typeof item === 'string' ? item : undefined;
    case 'integer':
      return integerIn(item, INT64_MIN, INT64_MAX);
    case 'unsigned':
      return integerIn(item, 0n, UINT64_MAX);
    case 'float':
      if (item instanceof CborFloat) return item.value;
      if (typeof item === 'number') return item;
      return undefined;
    case 'boolean':
      return typeof item === 'boolean' ? item : undefined;
    case 'opaque':
      return item instanceof Uint8Array ? item : undefined;
    case 'time': {
      const inner = item instanceof CborTagged && item.tag === EPOCH_TIME_TAG ? item.item : item;
      if (inner instanceof CborFloat) return Number.isFinite(inner.value) ? inner.value : undefined;
      const n = integerIn(inner, INT64_MIN, INT64_MAX);
      return n === undefined ? undefined : Number(n);
    }
    case 'objlnk':
      return typeof item === 'string' ? parseObjectLink(item) : undefined;
    case 'none':
      return item === null ? null : undefined;
  }
  return undefined;
}

/** The data type a CBOR item suggests when no model knows the resource. */
export function inferCborType(item: CborItem): DataType | undefined {
  if (typeof item === 'number' || typeof item === 'bigint') return 'integer';
  if (item instanceof CborFloat) return 'float';
  if (typeof item === 'boolean') return 'boolean';
  if (typeof item === 'string') return 'string';
  if (item instanceof Uint8Array) return 'opaque';
  if (item instanceof CborTagged && item.tag === EPOCH_TIME_TAG) return 'time';
  return undefined;
}

export function writeCborValue(w: CborWriter, type: DataType, value: Lwm2mValue): void {
  switch (type) {
    case 'string':
    case 'corelnk':
      return w.text(value as string);
    case 'integer':
    case 'unsigned':
      return w.integer(value as number | bigint);
    case 'float':
      return w.float(value as number);
    case 'boolean':
      return w.boolean(value as boolean);
    case 'opaque':
      return w.bytes(value as Uint8Array);
    case 'time': {
      w.tag(EPOCH_TIME_TAG);
      const t = value as number;
      return Number.isInteger(t) ? w.integer(t) : w.float(t);
    }
    case 'objlnk':
      return w.text(formatObjectLink(value as ObjectLink));
    case 'none':
      return w.null();
  }
}

function integerIn(item: CborItem, min: bigint, max: bigint): number | bigint | undefined {
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) return undefined;
    return item >= Number(min) && item <= Number(max) ? item : undefined;
  }
  if (typeof item === 'bigint') return item >= min && item <= max ? normalizeInteger(item) : undefined;
  return undefined;
}

export function cborTypeError(type: DataType, path: string, offset?: number): Lwm2mCodecError {
  return new Lwm2mCodecError(
    'invalid-value',
    `CBOR item is not a valid ${type} for ${path}`,
    offset === undefined ? {} : { offset },
  );
}
