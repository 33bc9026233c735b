import { Lwm2mCodecError } from './codec-error';
import { type DataType, type Lwm2mValue } from './data-type';
import { parseObjectLink } from './data-value';
import { type ModelProvider } from './model';
import { type Lwm2mRecord } from './node';
import { Lwm2mPath } from './path';

/**
 * Typed records from a JSON value given for `base` (what an operator types: GraphQL arguments, CLI flags, stored
 * configuration): a scalar for a resource or resource instance, `{ resourceInstanceId: value }` for a multiple
 * resource, `{ resourceId: value }` for an object instance. Each value is checked against the resource's type in
 * `models` (LwM2M Core 1.1.1 Appendix C); integers beyond 2^53 are given as decimal strings, opaque as base64,
 * object links as "o:i", times as seconds or an ISO 8601 date. Throws Lwm2mCodecError with a message that names
 * the path and is safe to show.
 */
export function recordsFromJson(models: ModelProvider, base: Lwm2mPath, value: unknown): Lwm2mRecord[] {
  if (base.depth === 2) {
    if (!isPlainObject(value))
      throw new Lwm2mCodecError('invalid-value', `${base.toString()} takes an object of resources`);
    return Object.entries(value).flatMap(([rid, v]) => recordsFromJson(models, child(base, rid), v));
  }
  if (base.depth === 3 && isPlainObject(value)) {
    return Object.entries(value).flatMap(([riid, v]) => recordsFromJson(models, child(base, riid), v));
  }
  if (base.depth < 3) throw new Lwm2mCodecError('invalid-path', `${base.toString()} is not a resource path`);
  const type = resourceType(models, base);
  return [{ path: base, type, value: coerce(type, value, base) } as Lwm2mRecord];
}

function child(base: Lwm2mPath, id: string): Lwm2mPath {
  const path = /^\d{1,5}$/.test(id) ? Lwm2mPath.tryParse(`${base.toString()}/${id}`) : undefined;
  if (!path) throw new Lwm2mCodecError('invalid-path', `"${id}" under ${base.toString()} is not an id`);
  return path;
}

function resourceType(models: ModelProvider, path: Lwm2mPath): DataType {
  const model = models.getObjectModel(path.objectId as number)?.resources.get(path.resourceId as number);
  if (!model)
    throw new Lwm2mCodecError('unknown-resource', `${path.toString()}: unknown resource for this device`);
  return model.type;
}

function coerce(type: DataType, v: unknown, path: Lwm2mPath): Lwm2mValue {
  const bad = () =>
    new Lwm2mCodecError('invalid-value', `${path.toString()}: ${JSON.stringify(v)} is not a valid ${type}`);
  switch (type) {
    case 'integer':
    case 'unsigned': {
      if (typeof v === 'number' && Number.isSafeInteger(v)) {
        if (type === 'unsigned' && v < 0) throw bad();
        return v;
      }
      if (typeof v === 'string' && (type === 'integer' ? /^-?\d{1,20}$/ : /^\d{1,20}$/).test(v)) {
        return BigInt(v);
      }
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
      throw new Lwm2mCodecError('invalid-value', `${path.toString()} is executable, not writable`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
