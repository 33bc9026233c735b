import { Lwm2mCodecError, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext, type EncodeOptions, type NodeDecoder, type NodeEncoder } from '../codec';
import { RecordCollector, makeRecord, resourceModel } from '../record-util';
import { singleRecord } from '../text/text.codec';
import { CborReader } from './cbor-reader';
import { cborToValue, cborTypeError, inferCborType, writeCborValue } from './cbor-value';
import { CborWriter } from './cbor-writer';

/** application/cbor (60): one value of a single resource or resource instance (Transport 1.1.1 §7.4.6). */
export class CborDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    const path = ctx.path;
    if (path.level !== 'resource' && path.level !== 'resourceInstance') {
      throw new Lwm2mCodecError('path-mismatch', `CBOR carries one resource value, not ${path}`);
    }
    const item = new CborReader(payload, ctx.limits, { allowIndefiniteContainers: false }).readSingle();
    const model = resourceModel(ctx.models, path);
    if (model?.multiple && path.level === 'resource') {
      throw new Lwm2mCodecError(
        'path-mismatch',
        `${path} is a multiple resource; CBOR needs a resource instance`,
      );
    }
    const type = model?.type ?? inferCborType(item);
    if (type === undefined)
      throw new Lwm2mCodecError('unsupported-item', `no LwM2M value in this CBOR item`, { offset: 0 });
    const value = cborToValue(type, item);
    if (value === undefined) throw cborTypeError(type, String(path), 0);
    const out = new RecordCollector(ctx);
    out.add(makeRecord(path, type, value));
    return out.records;
  }
}

export class CborEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    const record = singleRecord(records, options, 'CBOR');
    const w = new CborWriter();
    writeCborValue(w, record.type, record.value);
    return w.toBytes();
  }
}
