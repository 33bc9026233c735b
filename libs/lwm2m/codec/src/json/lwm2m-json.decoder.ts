import { Lwm2mCodecError, Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext, type NodeDecoder } from '../codec';
import { RecordCollector, makeRecord, resourceModel } from '../record-util';
import { isPlainObject, parseJsonPayload } from './json-text';
import { type CarriedValue, inferType, toTypedValue } from './lwm2m-value-fields';

const ENTRY_FIELDS = new Set(['n', 'v', 'sv', 'bv', 'ov', 't']);
const ROOT_FIELDS = new Set(['bn', 'bt', 'e']);

/**
 * application/vnd.oma.lwm2m+json (11543, legacy 1543), Core 1.0 §6.4.4 / Transport 1.1.1 §7.4.5:
 * `{"bn":"/3/0/","bt":..., "e":[{"n":"0","sv":"..."},{"n":"6/0","v":1},{"n":"x","bv":true},{"n":"y","ov":"3:0"}]}`.
 * Name = bn + n. Time = bt + t, both plain seconds (this format has no "relative to now" rule).
 * Opaque values travel base64-encoded in "sv".
 */
export class LwM2mJsonDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    const doc = parseJsonPayload(payload, ctx.limits);
    if (!isPlainObject(doc)) throw new Lwm2mCodecError('malformed', 'LwM2M JSON must be an object');
    for (const key of Object.keys(doc)) {
      if (!ROOT_FIELDS.has(key))
        throw new Lwm2mCodecError('unknown-field', `unknown LwM2M JSON field "${key}"`);
    }
    const bn = doc.bn ?? '';
    const bt = doc.bt;
    if (typeof bn !== 'string') throw new Lwm2mCodecError('malformed', '"bn" must be a string');
    if (bt !== undefined && typeof bt !== 'number')
      throw new Lwm2mCodecError('malformed', '"bt" must be a number');
    if (!Array.isArray(doc.e)) throw new Lwm2mCodecError('missing-field', 'LwM2M JSON needs an "e" array');
    const out = new RecordCollector(ctx);
    doc.e.forEach((entry: unknown, record) => {
      out.count({ record });
      if (!isPlainObject(entry)) throw new Lwm2mCodecError('malformed', 'entry is not an object', { record });
      for (const key of Object.keys(entry)) {
        if (!ENTRY_FIELDS.has(key))
          throw new Lwm2mCodecError('unknown-field', `unknown entry field "${key}"`, { record });
      }
      const n = entry.n ?? '';
      if (typeof n !== 'string') throw new Lwm2mCodecError('malformed', '"n" must be a string', { record });
      const name = bn + n;
      const path = Lwm2mPath.tryParse(name);
      if (!path || name.length > ctx.limits.maxStringLength) {
        throw new Lwm2mCodecError('invalid-path', `"${name.slice(0, 60)}" is not an LwM2M path`, { record });
      }
      const carried = carriedValue(entry, record);
      if (carried.kind === 'string' && carried.value.length > ctx.limits.maxStringLength) {
        throw new Lwm2mCodecError('string-too-long', `"sv" longer than ${ctx.limits.maxStringLength}`, {
          record,
        });
      }
      const t = entry.t;
      if (t !== undefined && typeof t !== 'number')
        throw new Lwm2mCodecError('malformed', '"t" must be a number', { record });
      const time =
        bt === undefined && t === undefined ? undefined : ((bt as number | undefined) ?? 0) + (t ?? 0);
      const type = resourceModel(ctx.models, path)?.type ?? inferType(carried);
      const value = toTypedValue(type, carried, String(path), record, true);
      out.add(makeRecord(path, type, value, time), { record });
    });
    return out.records;
  }
}

function carriedValue(entry: Record<string, unknown>, record: number): CarriedValue {
  const found: CarriedValue[] = [];
  if (entry.v !== undefined) {
    if (typeof entry.v !== 'number')
      throw new Lwm2mCodecError('malformed', '"v" must be a number', { record });
    found.push({ kind: 'number', value: entry.v });
  }
  if (entry.sv !== undefined) {
    if (typeof entry.sv !== 'string')
      throw new Lwm2mCodecError('malformed', '"sv" must be a string', { record });
    found.push({ kind: 'string', value: entry.sv });
  }
  if (entry.bv !== undefined) {
    if (typeof entry.bv !== 'boolean')
      throw new Lwm2mCodecError('malformed', '"bv" must be a boolean', { record });
    found.push({ kind: 'boolean', value: entry.bv });
  }
  if (entry.ov !== undefined) {
    if (typeof entry.ov !== 'string')
      throw new Lwm2mCodecError('malformed', '"ov" must be a string', { record });
    found.push({ kind: 'objlnk', value: entry.ov });
  }
  const [value] = found;
  if (found.length !== 1 || !value) {
    throw new Lwm2mCodecError(
      found.length ? 'malformed' : 'missing-field',
      `entry needs exactly one of v, sv, bv, ov`,
      { record },
    );
  }
  return value;
}
