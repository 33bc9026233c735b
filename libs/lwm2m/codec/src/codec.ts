import { type Lwm2mPath, type Lwm2mRecord, type ModelProvider } from '@smartcity/lwm2m-core';
import { type DecodeLimits } from './codec-limits';

export interface DecodeOptions {
  /** The request path (Read/Observe target); Lwm2mPath.ROOT for Send and composite bodies. */
  readonly path: Lwm2mPath;
  readonly models: ModelProvider;
  readonly limits?: Partial<DecodeLimits>;
  /** Current time in seconds since the epoch, for SenML relative times (RFC 8428 §4.5.3). Default: the clock. */
  readonly now?: () => number;
}

export interface EncodeOptions {
  readonly path: Lwm2mPath;
  readonly models: ModelProvider;
}

/** What a format decoder receives: options with limits resolved. */
export interface DecodeContext {
  readonly path: Lwm2mPath;
  readonly models: ModelProvider;
  readonly limits: DecodeLimits;
  readonly now: () => number;
}

/** One decoder per content format (Leshan-style), registered in the facade's map. */
export interface NodeDecoder {
  decode(payload: Uint8Array, ctx: DecodeContext): Lwm2mRecord[];
}

export interface NodeEncoder {
  encode(records: readonly Lwm2mRecord[], options: EncodeOptions): Uint8Array;
}

/** Formats that can carry a bare list of paths: Read-Composite / Observe-Composite requests (Core 1.1.1 §5.4.6). */
export interface PathListCodec {
  decodePaths(payload: Uint8Array, ctx: DecodeContext): Lwm2mPath[];
  encodePaths(paths: readonly Lwm2mPath[]): Uint8Array;
}
