import { type DataType, type ObjectModel } from '@smartcity/lwm2m-core';
import { type ModelRegistry, objectWords, resourceWordsByObject, snakeCase } from '@smartcity/ucifi-model';
import { categoryOf } from './categories';
import { type Category } from './measurement';
import { canonicalUnit, UNIT_QUIRKS } from './units';

/** How the values of one resource of one object version are normalized. Precomputed, shared, immutable. */
export interface MetricDescriptor {
  readonly objectId: number;
  readonly resourceId: number;
  readonly metric: string;
  readonly category: Category;
  /** Canonical unit of the metric, null when unitless. */
  readonly unit: string | null;
  /** Multiply numeric values of this version by `factor` to get the canonical unit (1 = no conversion). */
  readonly factor: number;
  /** Type of the resource in the newest version: older values convertible to it are converted (3416/15 Int->Float). */
  readonly canonicalType: DataType;
  /** Type in the version this descriptor is for; undefined for a resource the model does not define. */
  readonly declaredType?: DataType;
}

type VersionTable = ReadonlyMap<number, MetricDescriptor>;

/**
 * Metric keys, categories, canonical units and conversion factors for every (object, version, resource) of a
 * registry, computed once so the normalizer does map lookups only.
 *
 * A metric's unit is the canonical form of the unit of the newest version defining the resource; a version that
 * declares no unit inherits the nearest version's (3/x/7 lost "mV" in 1.1 but still reports millivolts).
 */
export class MetricCatalog {
  private readonly tables = new Map<number, Map<string, VersionTable>>();
  private readonly objectKeys = new Map<number, string>();
  private readonly unknown = new Map<number, MetricDescriptor>();

  constructor(registry: ModelRegistry) {
    for (const objectId of registry.objectIds()) {
      const versions = registry.versions(objectId).map((v) => registry.get(objectId, v) as ObjectModel);
      this.tables.set(objectId, buildObjectTables(objectId, versions));
      const latest = versions[versions.length - 1] as ObjectModel;
      this.objectKeys.set(objectId, snakeCase(objectWords(latest.name)));
    }
  }

  /** Descriptor for a resource of a (resolved) object version; a resource the model lacks gets a generic key. */
  describe(objectId: number, version: string, resourceId: number): MetricDescriptor {
    const known = this.tables.get(objectId)?.get(version)?.get(resourceId);
    if (known) return known;
    // Unknown objects and resources are kept, never dropped, under a key derived from their ids.
    const key = objectId * 65536 + resourceId;
    let generic = this.unknown.get(key);
    if (!generic) {
      const objectKey = this.objectKeys.get(objectId) ?? `object_${objectId}`;
      generic = {
        objectId,
        resourceId,
        metric: `${objectKey}.resource_${resourceId}`,
        category: categoryOf(objectId),
        unit: null,
        factor: 1,
        canonicalType: 'none',
      };
      this.unknown.set(key, generic);
    }
    return generic;
  }

  /** The version table of an object version (undefined when unknown): the normalizer's per-object lookup. */
  table(objectId: number, version: string): VersionTable | undefined {
    return this.tables.get(objectId)?.get(version);
  }

  /** Every metric of an object (newest names), for documentation and the CLI. */
  metrics(objectId: number): MetricDescriptor[] {
    const tables = this.tables.get(objectId);
    if (!tables) return [];
    const byResource = new Map<number, MetricDescriptor>();
    for (const table of tables.values()) for (const d of table.values()) byResource.set(d.resourceId, d);
    return [...byResource.values()].sort((a, b) => a.resourceId - b.resourceId);
  }
}

function declaredUnit(objectId: number, model: ObjectModel, resourceId: number): string | null | undefined {
  const quirk = UNIT_QUIRKS.get(`${objectId}/${resourceId}`);
  if (quirk !== undefined) return quirk;
  return model.resources.get(resourceId)?.units;
}

function buildObjectTables(objectId: number, versions: readonly ObjectModel[]): Map<string, VersionTable> {
  const objectKey = snakeCase(objectWords((versions[versions.length - 1] as ObjectModel).name));
  const words = resourceWordsByObject(versions);
  const category = categoryOf(objectId);
  const out = new Map<string, VersionTable>();
  const effectiveUnit = (index: number, resourceId: number): string | null => {
    const own = declaredUnit(objectId, versions[index] as ObjectModel, resourceId);
    if (own !== undefined) return own;
    // A Time value is a point in time (epoch seconds): it inherits no unit from other versions.
    if ((versions[index] as ObjectModel).resources.get(resourceId)?.type === 'time') return null;
    // Nearest version declaring a unit: lower versions first, then higher ones.
    for (let d = 1; d < versions.length; d++) {
      for (const i of [index - d, index + d]) {
        const model = versions[i];
        if (!model || !model.resources.has(resourceId)) continue;
        const u = declaredUnit(objectId, model, resourceId);
        if (u !== undefined) return u;
      }
    }
    return null;
  };
  // Newest version defining each resource: its type and unit are the canonical ones.
  const newest = new Map<number, number>();
  versions.forEach((m, i) => m.resources.forEach((_r, id) => newest.set(id, i)));

  versions.forEach((model, index) => {
    const table = new Map<number, MetricDescriptor>();
    for (const resource of model.resources.values()) {
      const newestIndex = newest.get(resource.id) as number;
      const newestUnit = effectiveUnit(newestIndex, resource.id);
      const ownUnit = effectiveUnit(index, resource.id);
      const canonical = newestUnit === null ? null : canonicalUnit(newestUnit);
      const own = ownUnit === null ? null : canonicalUnit(ownUnit);
      // Same dimension: convert to the newest version's canonical unit; otherwise keep this version's own unit.
      const sameBase = own !== null && canonical !== null && own.unit === canonical.unit;
      table.set(resource.id, {
        objectId,
        resourceId: resource.id,
        metric: `${objectKey}.${snakeCase(words.get(resource.id) as string[])}`,
        category,
        unit: sameBase ? canonical.unit : (own?.unit ?? null),
        factor: own?.factor ?? 1,
        canonicalType:
          (versions[newestIndex] as ObjectModel).resources.get(resource.id)?.type ?? resource.type,
        declaredType: resource.type,
      });
    }
    out.set(model.version, table);
  });
  return out;
}
