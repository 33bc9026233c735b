import { ContentFormat, decode, encode } from '@smartcity/lwm2m-codec';
import {
  type DataType,
  formatObjectLink,
  type Lwm2mRecord,
  type Lwm2mValue,
  Lwm2mPath,
  type ModelProvider,
  parseObjectLink,
} from '@smartcity/lwm2m-core';

/** A command argument that does not fit the device's object model; the message is safe for the caller. */
export class CommandInputError extends Error {
  override readonly name = 'CommandInputError';
}

export function parsePath(text: string, minLength = 1, maxLength = 4): Lwm2mPath {
  const path = Lwm2mPath.tryParse(text);
  if (!path || path.depth < minLength || path.depth > maxLength) {
    throw new CommandInputError(`"${text}" is not an LwM2M path of ${minLength} to ${maxLength} ids`);
  }
  return path;
}

/**
 * The payload format of a write: TLV for LwM2M 1.0 devices (the only multi-value format 1.0 mandates, Core 1.0
 * §6.4), SenML JSON for 1.1+ (Core 1.1.1 §7.4.5; also the Write-Composite format).
 */
export function writeFormat(lwm2mVersion: string | null): number {
  return lwm2mVersion === '1.0' ? ContentFormat.TLV : ContentFormat.SENML_JSON;
}

/**
 * Turns a JSON value given for `base` into typed records: a scalar for a resource (or resource instance), an
 * object `{ resourceInstanceId: value }` for a multiple resource, `{ resourceId: value }` for an object instance.
 */
export function toRecords(models: ModelProvider, base: Lwm2mPath, value: unknown): Lwm2mRecord[] {
  if (base.depth === 2) {
    if (!isPlainObject(value)) throw new CommandInputError(`${base.toString()} takes an object of resources`);
    return Object.entries(value).flatMap(([rid, v]) => toRecords(models, child(base, rid), v));
  }
  if (base.depth === 3 && isPlainObject(value)) {
    return Object.entries(value).flatMap(([riid, v]) => toRecords(models, child(base, riid), v));
  }
  if (base.depth < 3) throw new CommandInputError(`${base.toString()} is not a resource path`);
  const type = resourceType(models, base);
  return [{ path: base, type, value: coerce(type, value, base) } as Lwm2mRecord];
}

export function encodeRecords(
  records: readonly Lwm2mRecord[],
  contentFormat: number,
  base: Lwm2mPath,
  models: ModelProvider,
): string {
  if (records.length === 0) throw new CommandInputError('no value to write');
  try {
    return Buffer.from(encode(records, contentFormat, { path: base, models })).toString('base64');
  } catch (err) {
    throw new CommandInputError((err as Error).message);
  }
}

/** Values of a read response as JSON (bigint as string, opaque as base64, object links as "o:i"). */
export function decodeValues(
  payloadBase64: string,
  contentFormat: number,
  base: Lwm2mPath,
  models: ModelProvider,
): { path: string; value: unknown }[] {
  const records = decode(Buffer.from(payloadBase64, 'base64'), contentFormat, { path: base, models });
  return records.map((r) => ({ path: r.path.toString(), value: jsonValue(r.value) }));
}

function jsonValue(v: Lwm2mValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v !== null && typeof v === 'object') return formatObjectLink(v);
  return v;
}

function child(base: Lwm2mPath, id: string): Lwm2mPath {
  if (!/^\d{1,5}$/.test(id)) throw new CommandInputError(`"${id}" under ${base.toString()} is not an id`);
  return parsePath(`${base.toString()}/${id}`);
}

function resourceType(models: ModelProvider, path: Lwm2mPath): DataType {
  const model = models.getObjectModel(path.objectId as number)?.resources.get(path.resourceId as number);
  if (!model) throw new CommandInputError(`${path.toString()}: unknown resource for this device`);
  return model.type;
}

function coerce(type: DataType, v: unknown, path: Lwm2mPath): Lwm2mValue {
  const bad = () => new CommandInputError(`${path.toString()}: ${JSON.stringify(v)} is not a valid ${type}`);
  switch (type) {
    case 'integer':
    case 'unsigned': {
      if (typeof v === 'number' && Number.isSafeInteger(v)) {
        if (type === 'unsigned' && v < 0) throw bad();
        return v;
      }
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      throw bad();
    }
    case 'float':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      throw bad();
    case 'boolean':
      if (typeof v === 'boolean') return v;
      throw bad();
    case 'string':
    case 'corelnk':
      if (typeof v === 'string') return v;
      throw bad();
    case 'time':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Math.floor(Date.parse(v) / 1000);
      throw bad();
    case 'opaque':
      if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
      throw bad();
    case 'objlnk': {
      const link = typeof v === 'string' ? parseObjectLink(v) : undefined;
      if (!link) throw bad();
      return link;
    }
    case 'none':
      throw new CommandInputError(`${path.toString()} is executable, not writable`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
