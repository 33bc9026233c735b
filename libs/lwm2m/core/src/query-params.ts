import { Lwm2mCodecError } from './codec-error';

/** One CoAP Uri-Query option split at the first "=" (RFC 7252 §6.5); `value` undefined when there is no "=". */
export interface QueryParam {
  readonly name: string;
  readonly value?: string;
}

/**
 * Splits Uri-Query options ("ep=node1", "Q") into name/value pairs and refuses a parameter given twice.
 * Accepts a single "a=1&b=2" string too (handy for tests and the CLI).
 */
export function splitQuery(query: readonly string[] | string): QueryParam[] {
  const options = typeof query === 'string' ? (query === '' ? [] : query.split('&')) : query;
  const seen = new Set<string>();
  return options.map((option, index) => {
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq);
    if (name === '')
      throw new Lwm2mCodecError('invalid-parameter', `empty parameter name`, { record: index });
    if (seen.has(name)) {
      throw new Lwm2mCodecError('invalid-parameter', `parameter "${name}" given twice`, { record: index });
    }
    seen.add(name);
    return eq < 0 ? { name } : { name, value: option.slice(eq + 1) };
  });
}

export function parseUnsignedParam(param: QueryParam, index: number, max = 0xffffffff): number {
  const value = param.value;
  if (value === undefined || !/^\d{1,10}$/.test(value) || Number(value) > max) {
    throw new Lwm2mCodecError(
      'invalid-parameter',
      `"${param.name}" must be an integer 0..${max}, got ${value === undefined ? 'no value' : `"${value}"`}`,
      { record: index },
    );
  }
  return Number(value);
}

export function parseDecimalParam(param: QueryParam, index: number): number {
  const value = param.value;
  if (value === undefined || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) || value.length > 40) {
    throw new Lwm2mCodecError(
      'invalid-parameter',
      `"${param.name}" must be a decimal number, got ${value === undefined ? 'no value' : `"${value}"`}`,
      { record: index },
    );
  }
  return Number(value);
}
