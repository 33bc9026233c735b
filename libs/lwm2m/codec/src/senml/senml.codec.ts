import { type Lwm2mRecord } from '@smartcity/lwm2m-core';
import {
  type DecodeContext,
  type EncodeOptions,
  type NodeDecoder,
  type NodeEncoder,
  type PathListCodec,
} from '../codec';
import { parseSenmlCbor, serializeSenmlCbor } from './senml-cbor';
import { parseSenmlJson, serializeSenmlJson } from './senml-json';
import { pathsToSenml, recordsToSenml, senmlToPaths, senmlToRecords } from './senml-lwm2m';

/** application/senml+json (110), RFC 8428 §5 with LwM2M's profile (Transport 1.1.1 §7.4.4). */
export class SenmlJsonDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    return senmlToRecords(parseSenmlJson(payload, ctx.limits), ctx);
  }
}

export class SenmlJsonEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    return serializeSenmlJson(recordsToSenml(records, options.path));
  }
}

/** application/senml+cbor (112), RFC 8428 §6 with LwM2M's profile (Transport 1.1.1 §7.4.5). */
export class SenmlCborDecoder implements NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[] {
    return senmlToRecords(parseSenmlCbor(payload, ctx.limits), ctx);
  }
}

export class SenmlCborEncoder implements NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array {
    const integers = records.map(
      (r) =>
        r.type === 'integer' || r.type === 'unsigned' || (r.type === 'time' && Number.isInteger(r.value)),
    );
    return serializeSenmlCbor(recordsToSenml(records, options.path), integers);
  }
}

export const SENML_JSON_PATHS: PathListCodec = {
  decodePaths: (payload, ctx) => senmlToPaths(parseSenmlJson(payload, ctx.limits), ctx),
  encodePaths: (paths) => serializeSenmlJson(pathsToSenml(paths)),
};

export const SENML_CBOR_PATHS: PathListCodec = {
  decodePaths: (payload, ctx) => senmlToPaths(parseSenmlCbor(payload, ctx.limits), ctx),
  encodePaths: (paths) => serializeSenmlCbor(pathsToSenml(paths), []),
};
