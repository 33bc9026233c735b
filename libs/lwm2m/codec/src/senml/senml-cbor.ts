import { Lwm2mCodecError } from '@smartcity/lwm2m-core';
import { type DecodeLimits } from '../codec-limits';
import { CborFloat, type CborItem } from '../cbor/cbor-item';
import { cborTaggedNumber } from '../cbor/cbor-decimal';
import { CborReader } from '../cbor/cbor-reader';
import { CborWriter } from '../cbor/cbor-writer';
import { type RawSenmlRecord } from './senml-record';

/** RFC 8428 §6 Table 4 (CBOR labels); LwM2M's object link uses the text label "vlo" (Transport 1.1.1 §7.4.5). */
const LABELS: Record<string, string> = {
  '-1': 'bver',
  '-2': 'bn',
  '-3': 'bt',
  '-4': 'bu',
  '-5': 'bv',
  '-6': 'bs',
  '0': 'n',
  '1': 'u',
  '2': 'v',
  '3': 'vs',
  '4': 'vb',
  '5': 's',
  '6': 't',
  '7': 'ut',
  '8': 'vd',
  vlo: 'vlo',
};
/** Keyed by the decoded label itself (number or text): no string conversion per field. */
const LABEL_MAP = new Map<number | string, string>(
  Object.entries(LABELS).map(([k, v]) => [/^-?\d+$/.test(k) ? Number(k) : k, v]),
);
const KINDS: Record<string, 'string' | 'number' | 'boolean' | 'bytes'> = {
  bver: 'number',
  bn: 'string',
  bt: 'number',
  bu: 'string',
  bv: 'number',
  bs: 'number',
  n: 'string',
  u: 'string',
  v: 'number',
  vs: 'string',
  vb: 'boolean',
  s: 'number',
  t: 'number',
  ut: 'number',
  vd: 'bytes',
  vlo: 'string',
};

/** Parses a SenML CBOR pack (RFC 8428 §6): an array of maps keyed by the integer labels. */
export function parseSenmlCbor(payload: Uint8Array, limits: DecodeLimits): RawSenmlRecord[] {
  const reader = new CborReader(payload, limits, { allowIndefiniteContainers: true });
  const doc = reader.readSingle();
  if (!Array.isArray(doc))
    throw new Lwm2mCodecError('malformed', 'a SenML CBOR pack must be an array', { offset: 0 });
  if (doc.length > limits.maxRecords)
    throw new Lwm2mCodecError('too-many-records', `more than ${limits.maxRecords} records`);
  return doc.map((entry, record) => {
    if (!(entry instanceof Map))
      throw new Lwm2mCodecError('malformed', 'SenML record is not a map', { record });
    const out: Record<string, unknown> = {};
    for (const [label, item] of entry) {
      const field = typeof label === 'object' ? undefined : LABEL_MAP.get(label);
      if (!field)
        throw new Lwm2mCodecError('unknown-field', `unknown SenML label ${JSON.stringify(label)}`, {
          record,
        });
      out[field] = fieldValue(field, item, record);
    }
    return out as RawSenmlRecord;
  });
}

function fieldValue(field: string, item: CborItem, record: number): unknown {
  const kind = KINDS[field];
  if (kind === 'number') {
    const tagged = cborTaggedNumber(item, `SenML field "${field}"`, record);
    if (tagged !== undefined) return tagged;
  }
  const ok =
    (kind === 'string' && typeof item === 'string') ||
    (kind === 'boolean' && typeof item === 'boolean') ||
    (kind === 'bytes' && item instanceof Uint8Array) ||
    (kind === 'number' &&
      (typeof item === 'number' || typeof item === 'bigint' || item instanceof CborFloat));
  if (!ok) throw new Lwm2mCodecError('malformed', `SenML field "${field}" must be a ${kind}`, { record });
  if (item instanceof CborFloat) return item.value;
  if (typeof item === 'bigint' && field !== 'v') return Number(item);
  return item;
}

/** Writes maps with the labels in the spec example's order: bn, bt, n, value, t. */
export function serializeSenmlCbor(
  records: readonly RawSenmlRecord[],
  integerValues: readonly boolean[],
): Uint8Array {
  const w = new CborWriter();
  w.arrayHeader(records.length);
  records.forEach((r, i) => {
    const count =
      Number(r.bn !== undefined) +
      Number(r.bt !== undefined) +
      Number(r.n !== undefined) +
      Number(r.v !== undefined) +
      Number(r.vs !== undefined) +
      Number(r.vb !== undefined) +
      Number(r.vd !== undefined) +
      Number(r.vlo !== undefined) +
      Number(r.t !== undefined);
    w.mapHeader(count);
    const label = (l: number | string) => (typeof l === 'string' ? w.text(l) : w.integer(l));
    if (r.bn !== undefined) {
      label(-2);
      w.text(r.bn);
    }
    if (r.bt !== undefined) {
      label(-3);
      number(w, r.bt, Number.isInteger(r.bt));
    }
    if (r.n !== undefined) {
      label(0);
      w.text(r.n);
    }
    if (r.v !== undefined) {
      label(2);
      number(w, r.v, integerValues[i] === true);
    }
    if (r.vs !== undefined) {
      label(3);
      w.text(r.vs);
    }
    if (r.vb !== undefined) {
      label(4);
      w.boolean(r.vb);
    }
    if (r.vd !== undefined) {
      label(8);
      w.bytes(r.vd);
    }
    if (r.vlo !== undefined) {
      label('vlo');
      w.text(r.vlo);
    }
    if (r.t !== undefined) {
      label(6);
      number(w, r.t, Number.isInteger(r.t));
    }
  });
  return w.toBytes();
}

function number(w: CborWriter, value: number | bigint, asInteger: boolean): void {
  if (typeof value === 'bigint' || asInteger) w.integer(value);
  else w.float(value);
}
