import { Lwm2mCodecError, type Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { type DecodeContext, type DecodeOptions, type NodeDecoder, type PathListCodec } from './codec';
import { DEFAULT_DECODE_LIMITS } from './codec-limits';
import { CONTENT_FORMAT_NAMES, ContentFormat } from './content-format';
import { CborDecoder } from './cbor/cbor.codec';
import { LwM2mJsonDecoder } from './json/lwm2m-json.decoder';
import { LwM2mCborDecoder } from './lwm2m-cbor/lwm2m-cbor.decoder';
import { OpaqueDecoder } from './opaque/opaque.codec';
import { SENML_CBOR_PATHS, SENML_JSON_PATHS, SenmlCborDecoder, SenmlJsonDecoder } from './senml/senml.codec';
import { PlainTextDecoder } from './text/text.codec';
import { TlvDecoder } from './tlv/tlv.decoder';

export function defaultDecoders(): Map<number, NodeDecoder> {
  const text = new PlainTextDecoder();
  const tlv = new TlvDecoder();
  const json = new LwM2mJsonDecoder();
  return new Map<number, NodeDecoder>([
    [ContentFormat.TEXT, text],
    [ContentFormat.LEGACY_TEXT, text],
    [ContentFormat.OPAQUE, new OpaqueDecoder()],
    [ContentFormat.CBOR, new CborDecoder()],
    [ContentFormat.TLV, tlv],
    [ContentFormat.LEGACY_TLV, tlv],
    [ContentFormat.JSON, json],
    [ContentFormat.LEGACY_JSON, json],
    [ContentFormat.SENML_JSON, new SenmlJsonDecoder()],
    [ContentFormat.SENML_CBOR, new SenmlCborDecoder()],
    [ContentFormat.LWM2M_CBOR, new LwM2mCborDecoder()],
  ]);
}

/**
 * Decodes LwM2M payloads by content format (one decoder per format, Leshan's DefaultLwM2mDecoder shape).
 * Guarantee: decode() and decodePaths() throw nothing but Lwm2mCodecError, whatever the bytes.
 */
export class Lwm2mDecoder {
  private readonly pathLists = new Map<number, PathListCodec>([
    [ContentFormat.SENML_JSON, SENML_JSON_PATHS],
    [ContentFormat.SENML_CBOR, SENML_CBOR_PATHS],
  ]);

  constructor(private readonly decoders: ReadonlyMap<number, NodeDecoder> = defaultDecoders()) {}

  supports(contentFormat: number): boolean {
    return this.decoders.has(contentFormat);
  }

  decode(payload: Uint8Array, contentFormat: number, options: DecodeOptions): Lwm2mRecord[] {
    const decoder = this.decoders.get(contentFormat);
    if (!decoder) throw unsupported(contentFormat);
    return guard(() => decoder.decode(payload, context(payload, options)));
  }

  /** Read-Composite / Observe-Composite request bodies: a SenML list of paths (Core 1.1.1 §5.4.6). */
  decodePaths(payload: Uint8Array, contentFormat: number, options: Omit<DecodeOptions, 'path'>): Lwm2mPath[] {
    const codec = this.pathLists.get(contentFormat);
    if (!codec) throw unsupported(contentFormat);
    return guard(() =>
      codec.decodePaths(payload, context(payload, { ...options, path: undefined as never })),
    );
  }
}

function context(payload: Uint8Array, options: DecodeOptions): DecodeContext {
  const limits = { ...DEFAULT_DECODE_LIMITS, ...options.limits };
  if (payload.length > limits.maxPayloadBytes) {
    throw new Lwm2mCodecError(
      'payload-too-large',
      `payload of ${payload.length} bytes exceeds ${limits.maxPayloadBytes}`,
    );
  }
  return {
    path: options.path,
    models: options.models,
    limits,
    now: options.now ?? (() => Date.now() / 1000),
  };
}

function unsupported(contentFormat: number): Lwm2mCodecError {
  const name = CONTENT_FORMAT_NAMES[contentFormat];
  return new Lwm2mCodecError(
    'unsupported-format',
    `content format ${contentFormat}${name ? ` (${name})` : ''} is not supported`,
  );
}

/** Wraps anything unexpected (a RangeError from a deep stack, a bug) into the one error type. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Lwm2mCodecError) throw err;
    throw new Lwm2mCodecError('malformed', `undecodable payload: ${(err as Error)?.message ?? String(err)}`);
  }
}
