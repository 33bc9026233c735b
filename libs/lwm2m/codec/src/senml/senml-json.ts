import { Lwm2mCodecError } from '@smartcity/lwm2m-core';
import { type DecodeLimits } from '../codec-limits';
import { isPlainObject, jsonNumber, parseJsonPayload } from '../json/json-text';
import { fromBase64, toBase64Url, utf8Encode } from '../util/bytes';
import { type RawSenmlRecord } from './senml-record';

type FieldKind = 'string' | 'number' | 'boolean' | 'bytes';
/** RFC 8428 §4.1-4.2 fields plus LwM2M "vlo"; u/bu/ut/s/bs are SenML fields LwM2M does not use: read, ignored. */
const FIELDS: Record<string, FieldKind> = {
  bn: 'string',
  bt: 'number',
  bu: 'string',
  bv: 'number',
  bs: 'number',
  bver: 'number',
  n: 'string',
  u: 'string',
  v: 'number',
  vs: 'string',
  vb: 'boolean',
  vd: 'bytes',
  vlo: 'string',
  s: 'number',
  t: 'number',
  ut: 'number',
};

/** Parses a SenML JSON pack (RFC 8428 §5): an array of objects. Unknown fields are refused (RFC 8428 §4.4). */
export function parseSenmlJson(payload: Uint8Array, limits: DecodeLimits): RawSenmlRecord[] {
  const doc = parseJsonPayload(payload, limits);
  if (!Array.isArray(doc)) throw new Lwm2mCodecError('malformed', 'a SenML JSON pack must be an array');
  if (doc.length > limits.maxRecords)
    throw new Lwm2mCodecError('too-many-records', `more than ${limits.maxRecords} records`);
  return doc.map((entry: unknown, record) => {
    if (!isPlainObject(entry))
      throw new Lwm2mCodecError('malformed', 'SenML record is not an object', { record });
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      const kind = FIELDS[key];
      if (!kind) {
        const mandatory = key.endsWith('_') ? ' (must-understand, RFC 8428 §4.4)' : '';
        throw new Lwm2mCodecError('unknown-field', `unknown SenML field "${key}"${mandatory}`, { record });
      }
      if (kind === 'bytes') {
        const bytes = typeof value === 'string' ? fromBase64(value, true) : undefined;
        if (!bytes)
          throw new Lwm2mCodecError('invalid-value', '"vd" must be base64url (RFC 8428 §4.3)', { record });
        out[key] = bytes;
      } else if (typeof value !== kind) {
        throw new Lwm2mCodecError('malformed', `SenML field "${key}" must be a ${kind}`, { record });
      } else if (kind === 'string' && (value as string).length > limits.maxStringLength) {
        throw new Lwm2mCodecError('string-too-long', `"${key}" longer than ${limits.maxStringLength}`, {
          record,
        });
      } else out[key] = value;
    }
    return out as RawSenmlRecord;
  });
}

/** Writes records in the field order of the spec examples: bn, bt, n, value, t. */
export function serializeSenmlJson(records: readonly RawSenmlRecord[]): Uint8Array {
  const parts = records.map((r) => {
    const f: string[] = [];
    if (r.bn !== undefined) f.push(`"bn":${JSON.stringify(r.bn)}`);
    if (r.bt !== undefined) f.push(`"bt":${jsonNumber(r.bt, 'bt')}`);
    if (r.n !== undefined) f.push(`"n":${JSON.stringify(r.n)}`);
    if (r.v !== undefined) f.push(`"v":${jsonNumber(r.v, 'v')}`);
    if (r.vs !== undefined) f.push(`"vs":${JSON.stringify(r.vs)}`);
    if (r.vb !== undefined) f.push(`"vb":${r.vb}`);
    if (r.vd !== undefined) f.push(`"vd":"${toBase64Url(r.vd)}"`);
    if (r.vlo !== undefined) f.push(`"vlo":${JSON.stringify(r.vlo)}`);
    if (r.t !== undefined) f.push(`"t":${jsonNumber(r.t, 't')}`);
    return `{${f.join(',')}}`;
  });
  return utf8Encode(`[${parts.join(',')}]`);
}
