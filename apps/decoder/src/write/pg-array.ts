/**
 * PostgreSQL array literals (PostgreSQL 15 docs §8.15.6 "Array Input and Output Syntax") built directly from the
 * batch writer's column arrays. node-postgres would serialize JS arrays too, but element by element with two
 * regex replacements each; the hot path writes ~10 columns x thousands of values per batch, so numbers are joined
 * as is and strings are quoted only when they need it.
 */

/** float8[] / int[] literal; null, undefined and non-finite numbers become NULL (LwM2M floats may be NaN/Inf). */
export function numberArrayLiteral(values: ArrayLike<number | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined || !Number.isFinite(v) ? 'NULL' : String(v);
  }
  return out + '}';
}

/** boolean[] literal. */
export function booleanArrayLiteral(values: ArrayLike<boolean | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : v ? 't' : 'f';
  }
  return out + '}';
}

// Characters that force quoting of an array element: delimiters, quotes, backslash, braces, whitespace.
const NEEDS_QUOTES = /[",\\{}\s]/;

/**
 * text[] / uuid[] / jsonb[] literal. An element is double-quoted when it is empty, spells NULL (any case), or
 * contains a delimiter, brace, quote, backslash or whitespace; inside quotes `"` and `\` are backslash-escaped.
 * A NUL character cannot be stored in PostgreSQL text and is rejected.
 */
export function textArrayLiteral(values: ArrayLike<string | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) {
      out += 'NULL';
    } else if (v === '' || NEEDS_QUOTES.test(v) || (v.length === 4 && v.toUpperCase() === 'NULL')) {
      if (v.includes('\u0000')) throw new RangeError('text values cannot contain NUL characters');
      out += '"' + v.replace(/[\\"]/g, '\\$&') + '"';
    } else {
      if (v.includes('\u0000')) throw new RangeError('text values cannot contain NUL characters');
      out += v;
    }
  }
  return out + '}';
}
