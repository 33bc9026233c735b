import {
  type DataType,
  Lwm2mCodecError,
  type Lwm2mValue,
  type ObjectLink,
  formatObjectLink,
  isValueOfType,
  normalizeInteger,
  parseObjectLink,
} from '@smartcity/lwm2m-core';
import { fromBase64 } from '../util/bytes';

/**
 * A value as JSON-like formats carry it: a number ("v"), string ("sv"/"vs"), boolean ("bv"/"vb"), object link
 * ("ov"/"vlo") or bytes ("vd", or base64 inside "sv" in LwM2M JSON). `kind` names which field held it.
 */
export type CarriedValue =
  | { kind: 'number'; value: number | bigint }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'objlnk'; value: string }
  | { kind: 'bytes'; value: Uint8Array };

/** The type a carried value suggests when no model knows the resource. */
export function inferType(v: CarriedValue): DataType {
  switch (v.kind) {
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'objlnk':
      return 'objlnk';
    case 'bytes':
      return 'opaque';
  }
}

/** Converts a carried value to the resource type, or throws invalid-value naming the path and record. */
export function toTypedValue(
  type: DataType,
  v: CarriedValue,
  where: string,
  record: number,
  opaqueInString = false,
): Lwm2mValue {
  const fail = (): never => {
    throw new Lwm2mCodecError('invalid-value', `${where}: ${v.kind} value is not a valid ${type}`, {
      record,
    });
  };
  switch (type) {
    case 'integer':
    case 'unsigned': {
      if (v.kind !== 'number') return fail();
      if (typeof v.value === 'number' && !Number.isInteger(v.value)) return fail();
      const n =
        typeof v.value === 'number' && Number.isSafeInteger(v.value)
          ? v.value
          : normalizeInteger(BigInt(v.value));
      return isValueOfType(type, n) ? n : fail();
    }
    case 'float':
    case 'time':
      return v.kind === 'number' ? Number(v.value) : fail();
    case 'boolean':
      return v.kind === 'boolean' ? v.value : fail();
    case 'string':
    case 'corelnk':
      return v.kind === 'string' ? v.value : fail();
    case 'objlnk': {
      if (v.kind !== 'objlnk' && v.kind !== 'string') return fail();
      return parseObjectLink(v.value as string) ?? fail();
    }
    case 'opaque': {
      if (v.kind === 'bytes') return v.value;
      if (opaqueInString && v.kind === 'string') return fromBase64(v.value) ?? fail();
      return fail();
    }
    case 'none':
      return fail();
  }
}

export function objlnkText(value: Lwm2mValue): string {
  return formatObjectLink(value as ObjectLink);
}
