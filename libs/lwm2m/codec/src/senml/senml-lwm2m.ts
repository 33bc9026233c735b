import { Lwm2mCodecError, Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext } from '../codec';
import { inferType, objlnkText, toTypedValue } from '../json/lwm2m-value-fields';
import { RecordCollector, checkRecords, checkUnderPath, makeRecord, resourceModel } from '../record-util';
import { baseNames } from '../util/base-name';
import {
  type RawSenmlRecord,
  type ResolvedSenmlRecord,
  SENML_RELATIVE_TIME_LIMIT,
  resolveSenml,
} from './senml-record';

/**
 * SenML records to LwM2M records (Transport 1.1.1 §7.4.4): each name must be a resource or resource instance
 * path under the request path; "v" carries Integer, Unsigned, Float and Time, "vs" String and Corelnk, "vb"
 * Boolean, "vd" Opaque, "vlo" Objlnk. Records sharing a path with different times are all kept, in order.
 */
export function senmlToRecords(raw: readonly RawSenmlRecord[], ctx: DecodeContext): Lwm2mRecord[] {
  const out = new RecordCollector(ctx);
  // A Send repeats the same names (history of one resource): parse each distinct name once.
  const paths = new Map<string, Lwm2mPath>();
  resolveSenml(raw, ctx.now).forEach((r, record) => {
    let path = paths.get(r.name);
    if (!path || r.nameFromBaseOnly) {
      path = namePath(r, record, ctx);
      paths.set(r.name, path);
    }
    if (!r.value) {
      throw new Lwm2mCodecError('missing-field', `record for ${path} has no value (v, vs, vb, vd or vlo)`, {
        record,
      });
    }
    const type = resourceModel(ctx.models, path)?.type ?? inferType(r.value);
    out.add(makeRecord(path, type, toTypedValue(type, r.value, String(path), record), r.time), { record });
  });
  return out.records;
}

/** A Read-Composite / Observe-Composite request: names only (Core 1.1.1 §5.4.6), any level including "/". */
export function senmlToPaths(raw: readonly RawSenmlRecord[], ctx: DecodeContext): Lwm2mPath[] {
  return resolveSenml(raw, ctx.now).map((r, record) => {
    if (r.value) throw new Lwm2mCodecError('malformed', 'a path list record carries no value', { record });
    const path = Lwm2mPath.tryParse(r.name);
    if (!path || r.name === '')
      throw new Lwm2mCodecError('invalid-path', `"${r.name.slice(0, 60)}" is not an LwM2M path`, { record });
    return path;
  });
}

function namePath(r: ResolvedSenmlRecord, record: number, ctx: DecodeContext): Lwm2mPath {
  if (r.name.length > ctx.limits.maxStringLength) {
    throw new Lwm2mCodecError('string-too-long', 'SenML name too long', { record });
  }
  if (r.nameFromBaseOnly && r.name.endsWith('/')) {
    throw new Lwm2mCodecError('missing-field', `record has base name "${r.name}" but no name ("n")`, {
      record,
    });
  }
  const path = r.name === '' ? undefined : Lwm2mPath.tryParse(r.name);
  if (!path) {
    throw new Lwm2mCodecError(
      r.name === '' ? 'missing-field' : 'invalid-path',
      r.name === '' ? 'record has neither "bn" nor "n"' : `"${r.name.slice(0, 60)}" is not an LwM2M path`,
      { record },
    );
  }
  return path;
}

/** LwM2M records to SenML records: a common base name on the first record, absolute times in "t". */
export function recordsToSenml(records: readonly Lwm2mRecord[], target: Lwm2mPath): RawSenmlRecord[] {
  checkRecords(records);
  checkUnderPath(records, target);
  const { baseName, names } = baseNames(records.map((r) => r.path));
  return records.map((r, i) => {
    const out: RawSenmlRecord = {};
    if (i === 0 && baseName !== undefined) out.bn = baseName;
    out.n = names[i] as string;
    switch (r.type) {
      case 'integer':
      case 'unsigned':
      case 'float':
      case 'time':
        out.v = r.value;
        break;
      case 'boolean':
        out.vb = r.value;
        break;
      case 'opaque':
        out.vd = r.value;
        break;
      case 'objlnk':
        out.vlo = objlnkText(r.value);
        break;
      case 'none':
        throw new Lwm2mCodecError('invalid-value', `${r.path}: an executable resource has no value`, {
          record: i,
        });
      default:
        out.vs = r.value;
    }
    if (r.time !== undefined) {
      // RFC 8428 §4.5.3: an absolute "t" must be >= 2**28 or it would read as relative to now.
      if (r.time < SENML_RELATIVE_TIME_LIMIT) {
        throw new Lwm2mCodecError(
          'invalid-value',
          `${r.path}: time ${r.time} is before 1978-07-04, not expressible as SenML absolute time`,
          { record: i },
        );
      }
      out.t = r.time;
    }
    return out;
  });
}

export function pathsToSenml(paths: readonly Lwm2mPath[]): RawSenmlRecord[] {
  return paths.map((p) => ({ n: p.toString() }));
}
