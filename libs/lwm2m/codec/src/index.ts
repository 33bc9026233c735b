import { type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeOptions, type EncodeOptions } from './codec';
import { Lwm2mDecoder } from './lwm2m-decoder';
import { Lwm2mEncoder } from './lwm2m-encoder';

export * from './codec';
export * from './codec-limits';
export * from './content-format';
export * from './lwm2m-decoder';
export * from './lwm2m-encoder';
export { Lwm2mCodecError, type Lwm2mCodecErrorCode } from '@smartcity/lwm2m-core';
export { fromBase64, fromHex, toBase64, toBase64Url, toHex } from './util/bytes';

const DEFAULT_DECODER = new Lwm2mDecoder();
const DEFAULT_ENCODER = new Lwm2mEncoder();

/** Decodes with every built-in format. Throws only Lwm2mCodecError. */
export function decode(payload: Uint8Array, contentFormat: number, options: DecodeOptions): Lwm2mRecord[] {
  return DEFAULT_DECODER.decode(payload, contentFormat, options);
}

/** Encodes with every built-in format. */
export function encode(
  records: readonly Lwm2mRecord[],
  contentFormat: number,
  options: EncodeOptions,
): Uint8Array {
  return DEFAULT_ENCODER.encode(records, contentFormat, options);
}
