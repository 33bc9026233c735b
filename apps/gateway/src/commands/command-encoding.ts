import { ContentFormat, decode, encode } from '@smartcity/lwm2m-codec';
import {
  formatObjectLink,
  Lwm2mCodecError,
  type Lwm2mRecord,
  type Lwm2mValue,
  Lwm2mPath,
  type ModelProvider,
  recordsFromJson,
} from '@smartcity/lwm2m-core';

/** A command argument that does not fit the device's object model; the message is safe for the caller. */
export class CommandInputError extends Error {
  override readonly name = 'CommandInputError';
}

export function parsePath(text: string, minLength = 1, maxLength = 4): Lwm2mPath {
  const path = Lwm2mPath.tryParse(text);
  if (!path || path.depth < minLength || path.depth > maxLength) {
    throw new CommandInputError(`"${text}" is not an LwM2M path of ${minLength} to ${maxLength} ids`);
  }
  return path;
}

/**
 * The payload format of a write: TLV for LwM2M 1.0 devices (the only multi-value format 1.0 mandates, Core 1.0
 * §6.4), SenML JSON for 1.1+ (Core 1.1.1 §7.4.5; also the Write-Composite format).
 */
export function writeFormat(lwm2mVersion: string | null): number {
  return lwm2mVersion === '1.0' ? ContentFormat.TLV : ContentFormat.SENML_JSON;
}

/** Typed records of a JSON value given for `base` (lwm2m-core recordsFromJson), refused as a CommandInputError. */
export function toRecords(models: ModelProvider, base: Lwm2mPath, value: unknown): Lwm2mRecord[] {
  try {
    return recordsFromJson(models, base, value);
  } catch (err) {
    if (err instanceof Lwm2mCodecError) throw new CommandInputError(err.message);
    throw err;
  }
}

export function encodeRecords(
  records: readonly Lwm2mRecord[],
  contentFormat: number,
  base: Lwm2mPath,
  models: ModelProvider,
): string {
  if (records.length === 0) throw new CommandInputError('no value to write');
  try {
    return Buffer.from(encode(records, contentFormat, { path: base, models })).toString('base64');
  } catch (err) {
    throw new CommandInputError((err as Error).message);
  }
}

/** Values of a read response as JSON (bigint as string, opaque as base64, object links as "o:i"). */
export function decodeValues(
  payloadBase64: string,
  contentFormat: number,
  base: Lwm2mPath,
  models: ModelProvider,
): { path: string; value: unknown }[] {
  const records = decode(Buffer.from(payloadBase64, 'base64'), contentFormat, { path: base, models });
  return records.map((r) => ({ path: r.path.toString(), value: jsonValue(r.value) }));
}

function jsonValue(v: Lwm2mValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v !== null && typeof v === 'object') return formatObjectLink(v);
  return v;
}
