import { Lwm2mCodecError, type Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type EncodeOptions, type NodeEncoder, type PathListCodec } from './codec';
import { CONTENT_FORMAT_NAMES, ContentFormat } from './content-format';
import { CborEncoder } from './cbor/cbor.codec';
import { LwM2mJsonEncoder } from './json/lwm2m-json.encoder';
import { LwM2mCborEncoder } from './lwm2m-cbor/lwm2m-cbor.encoder';
import { OpaqueEncoder } from './opaque/opaque.codec';
import { SENML_CBOR_PATHS, SENML_JSON_PATHS, SenmlCborEncoder, SenmlJsonEncoder } from './senml/senml.codec';
import { PlainTextEncoder } from './text/text.codec';
import { TlvEncoder } from './tlv/tlv.encoder';

export function defaultEncoders(): Map<number, NodeEncoder> {
  const text = new PlainTextEncoder();
  const tlv = new TlvEncoder();
  const json = new LwM2mJsonEncoder();
  return new Map<number, NodeEncoder>([
    [ContentFormat.TEXT, text],
    [ContentFormat.LEGACY_TEXT, text],
    [ContentFormat.OPAQUE, new OpaqueEncoder()],
    [ContentFormat.CBOR, new CborEncoder()],
    [ContentFormat.TLV, tlv],
    [ContentFormat.LEGACY_TLV, tlv],
    [ContentFormat.JSON, json],
    [ContentFormat.LEGACY_JSON, json],
    [ContentFormat.SENML_JSON, new SenmlJsonEncoder()],
    [ContentFormat.SENML_CBOR, new SenmlCborEncoder()],
    [ContentFormat.LWM2M_CBOR, new LwM2mCborEncoder()],
  ]);
}

/** Encodes records by content format. Throws Lwm2mCodecError for values or paths the format cannot carry. */
export class Lwm2mEncoder {
  private readonly pathLists = new Map<number, PathListCodec>([
    [ContentFormat.SENML_JSON, SENML_JSON_PATHS],
    [ContentFormat.SENML_CBOR, SENML_CBOR_PATHS],
  ]);

  constructor(private readonly encoders: ReadonlyMap<number, NodeEncoder> = defaultEncoders()) {}

  supports(contentFormat: number): boolean {
    return this.encoders.has(contentFormat);
  }

  encode(records: readonly Lwm2mRecord[], contentFormat: number, options: EncodeOptions): Uint8Array {
    const encoder = this.encoders.get(contentFormat);
    if (!encoder) throw unsupported(contentFormat);
    return encoder.encode(records, options);
  }

  /** Read-Composite / Observe-Composite request body listing paths (Core 1.1.1 §5.4.6). */
  encodePaths(paths: readonly Lwm2mPath[], contentFormat: number): Uint8Array {
    const codec = this.pathLists.get(contentFormat);
    if (!codec) throw unsupported(contentFormat);
    return codec.encodePaths(paths);
  }
}

function unsupported(contentFormat: number): Lwm2mCodecError {
  const name = CONTENT_FORMAT_NAMES[contentFormat];
  return new Lwm2mCodecError(
    'unsupported-format',
    `content format ${contentFormat}${name ? ` (${name})` : ''} is not supported`,
  );
}
