import {
  type DataType,
  INT64_MAX,
  INT64_MIN,
  type Lwm2mValue,
  type ObjectLink,
  UINT64_MAX,
  formatObjectLink,
  normalizeInteger,
  parseObjectLink,
} from '@smartcity/lwm2m-core';
import { fromBase64, toBase64 } from '../util/bytes';

const INTEGER = /^[+-]?\d{1,20}$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?$/;

/**
 * Plain-text representation of each data type (LwM2M Transport 1.1.1 §7.4.1 / Core 1.1.1 Appendix C):
 * numbers in decimal, Boolean "0"/"1", Time as an integer number of seconds, Objlnk "3:0", Opaque in base64.
 * Returns undefined when the text is not a valid value of the type.
 */
export function parseTextValue(type: DataType, text: string): Lwm2mValue | undefined {
  switch (type) {
    case 'string':
    case 'corelnk':
      return text;
    case 'integer':
    case 'time': {
      if (!INTEGER.test(text)) return undefined;
      const n = BigInt(text);
      return n < INT64_MIN || n > INT64_MAX ? undefined : type === 'time' ? Number(n) : normalizeInteger(n);
    }
    case 'unsigned': {
      if (!/^\+?\d{1,20}$/.test(text)) return undefined;
      const n = BigInt(text);
      return n > UINT64_MAX ? undefined : normalizeInteger(n);
    }
    case 'float':
      return DECIMAL.test(text) ? Number(text) : undefined;
    case 'boolean':
      return text === '1' ? true : text === '0' ? false : undefined;
    case 'opaque':
      return fromBase64(text);
    case 'objlnk':
      return parseObjectLink(text);
    case 'none':
      return text === '' ? null : undefined;
  }
  return undefined;
}

export function formatTextValue(type: DataType, value: Lwm2mValue): string {
  switch (type) {
    case 'boolean':
      return value ? '1' : '0';
    case 'opaque':
      return toBase64(value as Uint8Array);
    case 'objlnk':
      return formatObjectLink(value as ObjectLink);
    case 'float':
      return formatFloat(value as number);
    case 'time':
      return String(Math.floor(value as number));
    case 'none':
      return '';
    default:
      return String(value);
  }
}

/** Decimal text of a float; "-0" keeps the sign of negative zero. */
export function formatFloat(value: number): string {
  return Object.is(value, -0) ? '-0.0' : String(value);
}
