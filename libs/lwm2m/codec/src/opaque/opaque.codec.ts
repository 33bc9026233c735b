import { Lwm2mCodecError, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext, type EncodeOptions, type NodeDecoder, type NodeEncoder } from '../codec';
import { RecordCollector, makeRecord, resourceModel } from '../record-util';
import { singleRecord } from '../text/text.codec';

/** application/octet-stream (42): the raw bytes of one Opaque resource (Transport 1.1.1 §7.4.2). */
export class OpaqueDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    const path = ctx.path;
    if (path.level !== 'resource' && path.level !== 'resourceInstance') {
      throw new Lwm2mCodecError('path-mismatch', `opaque carries one resource value, not ${path}`);
    }
    const model = resourceModel(ctx.models, path);
    if (model && model.type !== 'opaque') {
      throw new Lwm2mCodecError(
        'invalid-value',
        `${path} is a ${model.type} resource; opaque format needs an opaque one`,
      );
    }
    const out = new RecordCollector(ctx);
    out.add(makeRecord(path, 'opaque', payload.slice()));
    return out.records;
  }
}

export class OpaqueEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    const record = singleRecord(records, options, 'opaque');
    if (record.type !== 'opaque') {
      throw new Lwm2mCodecError(
        'invalid-value',
        `opaque format only encodes opaque values, not ${record.type}`,
      );
    }
    return record.value.slice();
  }
}
