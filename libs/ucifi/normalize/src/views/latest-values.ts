import { type Measurement } from '../measurement';

/** What a domain view needs of a stored latest value (the gateway reads these from the latest-state table). */
export type LatestMeasurement = Pick<
  Measurement,
  'objectId' | 'instanceId' | 'resourceId' | 'resourceInstanceId' | 'value' | 'time'
>;

/**
 * Latest values of one device indexed by object / instance / resource. Values are normalized, so units are
 * canonical (Wh, m3, %, ...). Views read through a `ValueReader`, which tracks the newest time it read.
 */
export class LatestValues {
  private readonly byPath = new Map<string, LatestMeasurement>();
  private readonly instancesByObject = new Map<number, Set<number>>();

  constructor(latest: Iterable<LatestMeasurement>) {
    for (const m of latest) {
      const key = pathKey(m.objectId, m.instanceId, m.resourceId, m.resourceInstanceId);
      const previous = this.byPath.get(key);
      if (!previous || previous.time <= m.time) this.byPath.set(key, m);
      let set = this.instancesByObject.get(m.objectId);
      if (!set) this.instancesByObject.set(m.objectId, (set = new Set()));
      set.add(m.instanceId);
    }
  }

  has(objectId: number): boolean {
    return this.instancesByObject.has(objectId);
  }

  /** Instance ids of an object, ascending. */
  instances(objectId: number): number[] {
    return [...(this.instancesByObject.get(objectId) ?? [])].sort((a, b) => a - b);
  }

  /** The requested instance when present, else the lowest one. */
  pickInstance(objectId: number, preferred?: number): number | undefined {
    const all = this.instances(objectId);
    if (preferred !== undefined && all.includes(preferred)) return preferred;
    return all[0];
  }

  get(
    objectId: number,
    instanceId: number,
    resourceId: number,
    riid?: number,
  ): LatestMeasurement | undefined {
    return this.byPath.get(pathKey(objectId, instanceId, resourceId, riid));
  }

  /** Resource instance ids of a multiple resource, ascending. */
  resourceInstances(objectId: number, instanceId: number | undefined, resourceId: number): number[] {
    if (instanceId === undefined) return [];
    const prefix = `${objectId}/${instanceId}/${resourceId}/`;
    const out: number[] = [];
    for (const key of this.byPath.keys())
      if (key.startsWith(prefix)) out.push(Number(key.slice(prefix.length)));
    return out.sort((a, b) => a - b);
  }

  /** A reader for one view (or one instance's view): its `observedAt()` covers only what it read. */
  reader(): ValueReader {
    return new ValueReader(this);
  }
}

/** Typed getters over `LatestValues` that remember the newest time read (a view's `dateObserved`). */
export class ValueReader {
  private newest = Number.NEGATIVE_INFINITY;

  constructor(readonly values: LatestValues) {}

  has(objectId: number): boolean {
    return this.values.has(objectId);
  }

  instances(objectId: number): number[] {
    return this.values.instances(objectId);
  }

  pickInstance(objectId: number, preferred?: number): number | undefined {
    return this.values.pickInstance(objectId, preferred);
  }

  resourceInstances(objectId: number, instanceId: number | undefined, resourceId: number): number[] {
    return this.values.resourceInstances(objectId, instanceId, resourceId);
  }

  private read(objectId: number, instanceId: number | undefined, resourceId: number, riid?: number) {
    if (instanceId === undefined) return undefined;
    const m = this.values.get(objectId, instanceId, resourceId, riid);
    if (m && m.time > this.newest) this.newest = m.time;
    return m?.value;
  }

  num(
    objectId: number,
    instanceId: number | undefined,
    resourceId: number,
    riid?: number,
  ): number | undefined {
    const v = this.read(objectId, instanceId, resourceId, riid);
    return typeof v === 'number' ? v : undefined;
  }

  bool(objectId: number, instanceId: number | undefined, resourceId: number): boolean | undefined {
    const v = this.read(objectId, instanceId, resourceId);
    if (typeof v === 'boolean') return v;
    // Some firmwares report flags as 0/1 integers.
    if (v === 0 || v === 1) return v === 1;
    return undefined;
  }

  str(objectId: number, instanceId: number | undefined, resourceId: number): string | undefined {
    const v = this.read(objectId, instanceId, resourceId);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }

  /** A Time resource (epoch seconds) as an ISO 8601 date-time. */
  date(objectId: number, instanceId: number | undefined, resourceId: number): string | undefined {
    const v = this.num(objectId, instanceId, resourceId);
    return v === undefined ? undefined : new Date(v * 1000).toISOString();
  }

  /** Newest time among the values read so far, as ISO 8601; undefined before any read value. */
  observedAt(): string | undefined {
    return Number.isFinite(this.newest) ? new Date(this.newest).toISOString() : undefined;
  }
}

/** Accepts raw latest measurements or an index built once for several views. */
export type ViewInput = Iterable<LatestMeasurement> | LatestValues;

export function indexOf(latest: ViewInput): LatestValues {
  return latest instanceof LatestValues ? latest : new LatestValues(latest);
}

function pathKey(o: number, i: number, r: number, ri?: number): string {
  return ri === undefined ? `${o}/${i}/${r}` : `${o}/${i}/${r}/${ri}`;
}

/** "/100" percentages are stored as % (0..100); FIWARE ratios are 0..1. */
export function ratio(percent: number | undefined): number | undefined {
  return percent === undefined ? undefined : percent / 100;
}

/** Drops undefined properties so views serialize compactly and compare cleanly. */
export function compact<T extends object>(view: T): T {
  for (const key of Object.keys(view) as (keyof T)[]) if (view[key] === undefined) delete view[key];
  return view;
}
