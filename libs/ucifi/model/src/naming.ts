/**
 * Identifier derivation from DDF names, shared by the code generator (TypeScript constants) and the normalizer
 * (metric keys), so both spell "Cumulated water volume" the same way.
 */

/** Words split on anything that is not a letter or digit; "PM2.5" -> ["pm2", "5"], "uCIFI data" -> ["ucifi", "data"]. */
export function words(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Vendor prefixes that carry no meaning inside the object name ("uCIFI Generic Actuator" -> generic actuator). */
const DROPPED_OBJECT_PREFIXES = new Set(['ucifi']);

export function objectWords(objectName: string): string[] {
  const w = words(objectName);
  return w.length > 1 && DROPPED_OBJECT_PREFIXES.has(w[0] as string) ? w.slice(1) : w;
}

export function snakeCase(parts: readonly string[]): string {
  return parts.join('_');
}

export function camelCase(parts: readonly string[]): string {
  const s = parts.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[0-9]/.test(s) ? `r${s}` : s;
}

export function pascalCase(parts: readonly string[]): string {
  const s = parts.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(s) ? `O${s}` : s;
}

/**
 * Registry quirks in resource names, fixed here so generated constants and metric keys stay unique and say what the
 * resource holds. 3430/17 and /18 are both "Satellite identifiers" in the DDF; /18 is a Float in degrees described
 * as "Elevation of the satellite".
 */
export const RESOURCE_NAME_OVERRIDES: ReadonlyMap<string, string> = new Map([
  ['3430/18', 'Satellite elevation'],
]);

interface NamedObject {
  readonly id: number;
  readonly version: string;
  readonly resources: ReadonlyMap<number, { readonly id: number; readonly name: string }>;
}

/**
 * One stable word list per resource id of an object, over all of its versions: the name in the newest version
 * that defines the resource (after `RESOURCE_NAME_OVERRIDES`); a name already taken by a lower id gets the id
 * appended. `versions` must be sorted oldest first.
 */
export function resourceWordsByObject(versions: readonly NamedObject[]): Map<number, string[]> {
  const latestName = new Map<number, string>();
  for (const model of versions) {
    for (const r of model.resources.values()) {
      latestName.set(r.id, RESOURCE_NAME_OVERRIDES.get(`${model.id}/${r.id}`) ?? r.name);
    }
  }
  const out = new Map<number, string[]>();
  const taken = new Set<string>();
  for (const id of [...latestName.keys()].sort((a, b) => a - b)) {
    let w = words(latestName.get(id) as string);
    if (w.length === 0) w = ['resource', String(id)];
    if (taken.has(w.join('_'))) w = [...w, String(id)];
    taken.add(w.join('_'));
    out.set(id, w);
  }
  return out;
}
