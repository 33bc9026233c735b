import { Lwm2mCodecError } from './codec-error';
import { parseDecimalParam, parseUnsignedParam, splitQuery } from './query-params';

/**
 * Notification attributes of Write-Attributes (Core 1.1.1 §5.1.2 Table 5.1.2-1, §5.4.4). `null` means the
 * attribute was sent without a value, which removes it on the client (§5.4.4).
 */
export interface NotificationAttributes {
  readonly pmin?: number | null;
  readonly pmax?: number | null;
  readonly gt?: number | null;
  readonly lt?: number | null;
  readonly st?: number | null;
  readonly epmin?: number | null;
  readonly epmax?: number | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const ORDER = ['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax'] as const;

export function parseWriteAttributesQuery(query: readonly string[] | string): NotificationAttributes {
  const out: Mutable<NotificationAttributes> = {};
  splitQuery(query).forEach((p, index) => {
    if (!(ORDER as readonly string[]).includes(p.name)) {
      throw new Lwm2mCodecError('invalid-parameter', `unknown attribute "${p.name}"`, { record: index });
    }
    const name = p.name as (typeof ORDER)[number];
    if (p.value === undefined) out[name] = null;
    else if (name === 'gt' || name === 'lt' || name === 'st') out[name] = parseDecimalParam(p, index);
    else out[name] = parseUnsignedParam(p, index);
  });
  checkConsistency(out);
  return out;
}

export function serializeWriteAttributesQuery(attributes: NotificationAttributes): string[] {
  checkConsistency(attributes);
  const out: string[] = [];
  for (const name of ORDER) {
    const value = attributes[name];
    if (value === undefined) continue;
    out.push(value === null ? name : `${name}=${value}`);
  }
  return out;
}

/** Core 1.1.1 §5.1.2: "lt" < "gt", "lt" + 2*"st" < "gt", st >= 0; and a minimum period never above its maximum. */
function checkConsistency(a: NotificationAttributes): void {
  const fail = (message: string): never => {
    throw new Lwm2mCodecError('invalid-parameter', message);
  };
  if (a.st != null && a.st < 0) fail(`"st" must not be negative`);
  if (a.lt != null && a.gt != null) {
    if (!(a.lt < a.gt)) fail(`"lt" (${a.lt}) must be lower than "gt" (${a.gt})`);
    if (a.st != null && !(a.lt + 2 * a.st < a.gt)) fail(`"lt" + 2*"st" must be lower than "gt"`);
  }
  if (a.pmin != null && a.pmax != null && a.pmin > a.pmax)
    fail(`"pmin" (${a.pmin}) above "pmax" (${a.pmax})`);
  if (a.epmin != null && a.epmax != null && a.epmin > a.epmax)
    fail(`"epmin" (${a.epmin}) above "epmax" (${a.epmax})`);
}
