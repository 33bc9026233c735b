import { Lwm2mCodecError } from '@smartcity/lwm2m-core';
import { type DecodeLimits } from '../codec-limits';
import { utf8Decode } from '../util/bytes';

/**
 * JSON.parse behind the limits: UTF-8 is checked strictly, and nesting is measured by a linear scan before
 * parsing so a "[[[[..." bomb is refused without recursion (RFC 8259 §9 lets parsers limit depth).
 */
export function parseJsonPayload(payload: Uint8Array, limits: DecodeLimits): unknown {
  const text = utf8Decode(payload, 0);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limits.maxDepth) {
        throw new Lwm2mCodecError('too-deep', `JSON nesting deeper than ${limits.maxDepth}`, { offset: i });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  // A SyntaxError would capture a stack trace, the dominant cost of refusing garbage: switched off around the parse.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    throw new Lwm2mCodecError(
      'malformed',
      `invalid JSON: ${(err as Error).message}`,
      m ? { offset: Number(m[1]) } : {},
    );
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deterministic JSON text for a number: finite only (JSON has no NaN/Infinity, RFC 8259 §6). */
export function jsonNumber(value: number | bigint, where: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value))
    throw new Lwm2mCodecError('invalid-value', `${where}: ${value} cannot be written in JSON`);
  return Object.is(value, -0) ? '-0.0' : String(value);
}
