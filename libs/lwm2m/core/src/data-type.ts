/**
 * LwM2M resource data types (LwM2M Core 1.1.1 Appendix C, "Data Types").
 * `none` is the type of executable resources, which carry no value.
 */
export const DATA_TYPES = [
  'string',
  'integer',
  'unsigned',
  'float',
  'boolean',
  'opaque',
  'time',
  'objlnk',
  'corelnk',
  'none',
] as const;

export type DataType = (typeof DATA_TYPES)[number];

/** Object Link value (Core 1.1.1 Appendix C): "ObjectID:InstanceID", each a 16-bit unsigned integer. */
export interface ObjectLink {
  readonly objectId: number;
  readonly instanceId: number;
}

/**
 * The JavaScript representation of a value of each data type.
 * - integer / unsigned: a number when it fits in the safe-integer range, otherwise a bigint (Int64 / UInt64).
 * - time: seconds since the Unix epoch (may be negative, may be fractional in SenML).
 * - opaque: raw bytes.
 * - corelnk: the link-format text.
 */
export interface DataTypeValueMap {
  string: string;
  integer: number | bigint;
  unsigned: number | bigint;
  float: number;
  boolean: boolean;
  opaque: Uint8Array;
  time: number;
  objlnk: ObjectLink;
  corelnk: string;
  none: null;
}

export type Lwm2mValue = DataTypeValueMap[DataType];

export function isDataType(value: string): value is DataType {
  return (DATA_TYPES as readonly string[]).includes(value);
}
