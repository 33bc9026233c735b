import { Lwm2mCodecError } from '@smartcity/lwm2m-core';
import { type CarriedValue } from '../json/lwm2m-value-fields';

/** One SenML record as written on the wire (RFC 8428 §4.1, §4.2, plus LwM2M's "vlo", Transport 1.1.1 §7.4.4). */
export interface RawSenmlRecord {
  bn?: string;
  bt?: number;
  bv?: number;
  bver?: number;
  n?: string;
  v?: number | bigint;
  vs?: string;
  vb?: boolean;
  vd?: Uint8Array;
  vlo?: string;
  t?: number;
}

/** A record after base-field resolution (RFC 8428 §4.6): absolute name and time, value as carried. */
export interface ResolvedSenmlRecord {
  readonly name: string;
  readonly time?: number;
  readonly value?: CarriedValue;
  /** True when bn was set (on this or an earlier record) but this record has no "n". */
  readonly nameFromBaseOnly: boolean;
}

/** RFC 8428 §4.5.3: times below 2**28 are relative to "now". */
export const SENML_RELATIVE_TIME_LIMIT = 2 ** 28;
/** RFC 8428 §4.4: this implementation understands SenML version 10 and below. */
export const SENML_VERSION = 10;

/**
 * Resolves base fields (RFC 8428 §4.5): bn and bt apply to this and later records until replaced, bv is added to
 * v, name = bn + n, time = bt + t made absolute with `now` when below 2**28 (§4.5.3).
 */
export function resolveSenml(records: readonly RawSenmlRecord[], now: () => number): ResolvedSenmlRecord[] {
  let bn = '';
  let bt: number | undefined;
  let bv: number | undefined;
  let nowValue: number | undefined;
  return records.map((r, record) => {
    if (r.bver !== undefined && r.bver > SENML_VERSION) {
      throw new Lwm2mCodecError('unknown-field', `SenML version ${r.bver} is not supported`, { record });
    }
    if (r.bn !== undefined) bn = r.bn;
    if (r.bt !== undefined) bt = r.bt;
    if (r.bv !== undefined) bv = r.bv;
    const name = bn + (r.n ?? '');
    let time: number | undefined;
    if (bt !== undefined || r.t !== undefined) {
      time = (bt ?? 0) + (r.t ?? 0);
      if (time < SENML_RELATIVE_TIME_LIMIT) time += nowValue ??= now();
    }
    let value: CarriedValue | undefined;
    const count =
      Number(r.v !== undefined) +
      Number(r.vs !== undefined) +
      Number(r.vb !== undefined) +
      Number(r.vd !== undefined) +
      Number(r.vlo !== undefined);
    if (count > 1) throw new Lwm2mCodecError('malformed', 'record has more than one value field', { record });
    if (r.v !== undefined) value = { kind: 'number', value: bv === undefined ? r.v : Number(r.v) + bv };
    else if (r.vs !== undefined) value = { kind: 'string', value: r.vs };
    else if (r.vb !== undefined) value = { kind: 'boolean', value: r.vb };
    else if (r.vd !== undefined) value = { kind: 'bytes', value: r.vd };
    else if (r.vlo !== undefined) value = { kind: 'objlnk', value: r.vlo };
    return {
      name,
      nameFromBaseOnly: r.n === undefined && bn !== '',
      ...(time !== undefined ? { time } : {}),
      ...(value !== undefined ? { value } : {}),
    };
  });
}
