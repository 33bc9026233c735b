import { type Lwm2mPath, type NotificationAttributes } from '@smartcity/lwm2m-core';

/** Notification attributes in force for one observation, after inheritance and server defaults. */
export interface EffectiveAttributes {
  readonly pmin: number;
  readonly pmax?: number;
  readonly gt?: number;
  readonly lt?: number;
  readonly st?: number;
}

type Stored = { -readonly [K in keyof NotificationAttributes]?: number };
const NAMES = ['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax'] as const;

/**
 * The attributes written by Write-Attributes, per path (Core 1.1.1 §5.4.4). Attributes are inherited down the
 * tree: one written on an object applies to its instances and resources unless overridden at a lower level
 * (§5.1.1 "Attributes Definitions and Rules"). pmin/pmax fall back to the Server object's Default Minimum/Maximum
 * Period (/1/x/2, /1/x/3) when no level sets them (§5.1.2).
 */
export class AttributeStore {
  private readonly byPath = new Map<string, Stored>();

  /** Applies a Write-Attributes: a number sets, null removes (§5.4.4 "attribute without value"). */
  write(path: Lwm2mPath, attributes: NotificationAttributes): void {
    const key = path.toString();
    const current: Stored = { ...this.byPath.get(key) };
    for (const name of NAMES) {
      const value = attributes[name];
      if (value === undefined) continue;
      if (value === null) delete current[name];
      else current[name] = value;
    }
    if (Object.keys(current).length === 0) this.byPath.delete(key);
    else this.byPath.set(key, current);
  }

  /** The attributes written at exactly this path (for Discover). */
  at(path: Lwm2mPath): Readonly<Stored> {
    return this.byPath.get(path.toString()) ?? {};
  }

  effective(path: Lwm2mPath, defaults: { pmin?: number; pmax?: number } = {}): EffectiveAttributes {
    const merged: Stored = {};
    // From the object down to the path: a lower level overrides (§5.1.1).
    const chain: Lwm2mPath[] = [];
    for (let p: Lwm2mPath | undefined = path; p && p.level !== 'root'; p = p.parent()) chain.unshift(p);
    for (const p of chain) Object.assign(merged, this.byPath.get(p.toString()));
    const pmin = merged.pmin ?? defaults.pmin ?? 0;
    const pmax = merged.pmax ?? defaults.pmax;
    const out: { pmin: number; pmax?: number; gt?: number; lt?: number; st?: number } = { pmin };
    // §5.1.2: pmax is ignored when lower than pmin; 0 means "no maximum period".
    if (pmax !== undefined && pmax > 0 && pmax >= pmin) out.pmax = pmax;
    // gt/lt/st only apply to a single numeric resource (§5.1.2 Table 5.1.2-1, "Applicability: Resource").
    if (path.level === 'resource' || path.level === 'resourceInstance') {
      if (merged.gt !== undefined) out.gt = merged.gt;
      if (merged.lt !== undefined) out.lt = merged.lt;
      if (merged.st !== undefined) out.st = merged.st;
    }
    return out;
  }
}
