import { Lwm2mDecoder, Lwm2mEncoder } from '@smartcity/lwm2m-codec';
import { type Lwm2mPath, type Lwm2mRecord, type ModelProvider } from '@smartcity/lwm2m-core';

/** The content-format codecs the client needs, behind one small interface (the codec library implements them). */
export interface PayloadCodec {
  canEncode(contentFormat: number): boolean;
  canDecode(contentFormat: number): boolean;
  encode(
    records: readonly Lwm2mRecord[],
    contentFormat: number,
    path: Lwm2mPath,
    models: ModelProvider,
  ): Uint8Array;
  decode(payload: Uint8Array, contentFormat: number, path: Lwm2mPath, models: ModelProvider): Lwm2mRecord[];
  /** Read-Composite / Observe-Composite request bodies (Core 1.1.1 §5.4.6). */
  decodePaths(payload: Uint8Array, contentFormat: number, models: ModelProvider): Lwm2mPath[];
}

/** The default codec: `@smartcity/lwm2m-codec` with all its formats. */
export function defaultPayloadCodec(): PayloadCodec {
  const encoder = new Lwm2mEncoder();
  const decoder = new Lwm2mDecoder();
  return {
    canEncode: (cf) => encoder.supports(cf),
    canDecode: (cf) => decoder.supports(cf),
    encode: (records, cf, path, models) => encoder.encode(records, cf, { path, models }),
    decode: (payload, cf, path, models) => decoder.decode(payload, cf, { path, models }),
    decodePaths: (payload, cf, models) => decoder.decodePaths(payload, cf, { models }),
  };
}
