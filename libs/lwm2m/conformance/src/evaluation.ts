import { decode } from '@smartcity/lwm2m-codec';
import {
  EMPTY_MODEL_PROVIDER,
  type Lwm2mRecord,
  Lwm2mPath,
  type ModelProvider,
  parseLinkFormat,
  type Link,
} from '@smartcity/lwm2m-core';
import { type CaseVerdict, type StepOutcome } from './model';

export const pass = (message: string): CaseVerdict => ({ verdict: 'PASS', message });
export const fail = (message: string): CaseVerdict => ({ verdict: 'FAIL', message });

/** "2.05", or the non-answer ("timeout", "rejected", ...) when the device did not answer with a code. */
export function answerOf(o: StepOutcome | undefined): string {
  if (!o) return 'no step';
  if (o.status === 'completed' && o.coapCode) return o.coapCode;
  return o.error ? `${o.status} (${o.error})` : o.status;
}

/** Null when the step got one of the expected codes, otherwise what the device answered instead. */
export function expectCode(o: StepOutcome | undefined, ...codes: string[]): string | null {
  const answer = answerOf(o);
  if (o?.status === 'completed' && o.coapCode && codes.includes(o.coapCode)) return null;
  return `${o?.title ?? 'step'}: expected ${codes.join(' or ')}, the device answered ${answer}`;
}

export type Decoded = { readonly records: Lwm2mRecord[] } | { readonly error: string };

/**
 * Decodes a response payload in the Content-Format the device declared. `typed` decodes with the DDF models (the
 * types a server applies); untyped keeps the types the format itself carries (SenML `v`/`vs`/`vb`/`vd`/`vlo`),
 * so a string sent for an integer resource is seen as a string.
 */
export function decodeOutcome(o: StepOutcome, path: string, models: ModelProvider, typed = true): Decoded {
  if (o.contentFormat === null) return { error: 'the response has no Content-Format' };
  try {
    const records = decode(o.payload ?? new Uint8Array(), o.contentFormat, {
      path: Lwm2mPath.parse(path),
      models: typed ? models : EMPTY_MODEL_PROVIDER,
    });
    return { records };
  } catch (err) {
    return {
      error: `the payload does not decode as Content-Format ${o.contentFormat}: ${(err as Error).message}`,
    };
  }
}

/** Expects 2.05 Content in the requested format (or any when `accept` is undefined) that decodes. */
export function expectContent(
  o: StepOutcome | undefined,
  path: string,
  models: ModelProvider,
  accept?: number,
): { records: Lwm2mRecord[] } | { failure: string } {
  const bad = expectCode(o, '2.05');
  if (bad || !o) return { failure: bad ?? 'no step' };
  if (accept !== undefined && o.contentFormat !== accept) {
    return {
      failure: `${o.title}: Content-Format ${o.contentFormat ?? 'absent'}, requested ${accept} (Core 1.1.1 §7.1: the Accept option decides the format)`,
    };
  }
  const decoded = decodeOutcome(o, path, models);
  if ('error' in decoded) return { failure: `${o.title}: ${decoded.error}` };
  return decoded;
}

export function payloadText(o: StepOutcome | undefined): string {
  return o?.payload ? Buffer.from(o.payload).toString('utf8') : '';
}

export function linksOf(o: StepOutcome): Link[] | string {
  try {
    return parseLinkFormat(payloadText(o));
  } catch (err) {
    return `the payload is not link format: ${(err as Error).message}`;
  }
}

/** The value at `path` a read step returned (typed decoding), or undefined. */
export function valueAt(
  o: StepOutcome | undefined,
  readPath: string,
  path: string,
  models: ModelProvider,
): unknown {
  if (!o || o.status !== 'completed' || o.coapCode !== '2.05') return undefined;
  const decoded = decodeOutcome(o, readPath, models);
  if ('error' in decoded) return undefined;
  return decoded.records.find((r) => r.path.toString() === path)?.value;
}
