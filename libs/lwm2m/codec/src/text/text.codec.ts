import { Lwm2mCodecError, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext, type EncodeOptions, type NodeDecoder, type NodeEncoder } from '../codec';
import { RecordCollector, checkRecords, makeRecord, resourceModel } from '../record-util';
import { utf8Decode, utf8Encode } from '../util/bytes';
import { formatTextValue, parseTextValue } from './text-value';

/**
 * text/plain (0, legacy 1541): one value of a single resource or resource instance (Transport 1.1.1 §7.4.1).
 * Without a model the value is kept as a string.
 */
export class PlainTextDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    const path = ctx.path;
    if (path.level !== 'resource' && path.level !== 'resourceInstance') {
      throw new Lwm2mCodecError('path-mismatch', `text/plain carries one resource value, not ${path}`);
    }
    if (payload.length > ctx.limits.maxStringLength) {
      throw new Lwm2mCodecError(
        'string-too-long',
        `text value longer than ${ctx.limits.maxStringLength} bytes`,
      );
    }
    const text = utf8Decode(payload, 0);
    const model = resourceModel(ctx.models, path);
    if (model?.multiple && path.level === 'resource') {
      throw new Lwm2mCodecError(
        'path-mismatch',
        `${path} is a multiple resource; text/plain needs a resource instance`,
      );
    }
    const type = model?.type ?? 'string';
    const value = parseTextValue(type, text);
    if (value === undefined) {
      const shown = text.length > 40 ? text.slice(0, 37) + '...' : text;
      throw new Lwm2mCodecError('invalid-value', `"${shown}" is not a valid ${type} for ${path}`, {
        offset: 0,
      });
    }
    const out = new RecordCollector(ctx);
    out.add(makeRecord(path, type, value));
    return out.records;
  }
}

export class PlainTextEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    const record = singleRecord(records, options, 'text/plain');
    return utf8Encode(formatTextValue(record.type, record.value));
  }
}

/** Single-value formats (text, opaque, CBOR) encode exactly one record, at the target path. */
export function singleRecord(
  records: readonly Lwm2mRecord[],
  options: EncodeOptions,
  format: string,
): Lwm2mRecord {
  checkRecords(records);
  const [record] = records;
  if (records.length !== 1 || !record) {
    throw new Lwm2mCodecError('invalid-value', `${format} carries exactly one value, got ${records.length}`);
  }
  if (!record.path.equals(options.path)) {
    throw new Lwm2mCodecError(
      'path-mismatch',
      `${format}: record ${record.path} is not the target ${options.path}`,
    );
  }
  return record;
}
