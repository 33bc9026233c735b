import { Lwm2mCodecError, Lwm2mPath, type Lwm2mRecord, type ModelProvider } from '@smartcity/lwm2m-core';
import { type DecodeLimits } from '../codec-limits';
import { Lwm2mDecoder } from '../lwm2m-decoder';
import { Lwm2mEncoder } from '../lwm2m-encoder';
import { fromHex } from '../util/bytes';
import { specModels } from './spec-fixtures';

export const decoder = new Lwm2mDecoder();
export const encoder = new Lwm2mEncoder();
export const MODELS = specModels();
/** A fixed "now" for SenML relative times: 2026-01-01T00:00:00Z. */
export const NOW = 1767225600;

export function hex(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (!bytes) throw new Error(`bad hex in test: ${text}`);
  return bytes;
}

export function dec(
  payload: Uint8Array | string,
  cf: number,
  path: string,
  options: { models?: ModelProvider; limits?: Partial<DecodeLimits> } = {},
): Lwm2mRecord[] {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return decoder.decode(bytes, cf, {
    path: Lwm2mPath.parse(path),
    models: options.models ?? MODELS,
    ...(options.limits ? { limits: options.limits } : {}),
    now: () => NOW,
  });
}

export function enc(records: readonly Lwm2mRecord[], cf: number, path: string, models = MODELS): Uint8Array {
  return encoder.encode(records, cf, { path: Lwm2mPath.parse(path), models });
}

/** [path, type, value(, time)] tuples: compact expectations. */
export function tuples(records: readonly Lwm2mRecord[]): unknown[][] {
  return records.map((r) =>
    r.time === undefined ? [String(r.path), r.type, r.value] : [String(r.path), r.type, r.value, r.time],
  );
}

export function rec(path: string, type: Lwm2mRecord['type'], value: unknown, time?: number): Lwm2mRecord {
  const base = { path: Lwm2mPath.parse(path), type, value } as Lwm2mRecord;
  return time === undefined ? base : { ...base, time };
}

/** Runs fn and returns the Lwm2mCodecError it throws (fails the test on anything else). */
export function codecError(fn: () => unknown): Lwm2mCodecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof Lwm2mCodecError) return err;
    throw new Error(`expected Lwm2mCodecError, got ${String(err)}`);
  }
  throw new Error('expected Lwm2mCodecError, nothing thrown');
}
