import { type ModelProvider, type ObjectModel } from '@smartcity/lwm2m-core';
import { ModelError } from './model.errors';
import {
  compareObjectVersions,
  DEFAULT_OBJECT_VERSION,
  isObjectVersion,
  parseObjectVersion,
} from './object-version';

export type ResolutionWarningCode =
  /** The announced version is unknown; the nearest lower known version was used. */
  | 'VERSION_FALLBACK_LOWER'
  /** The announced version is older than every known version; the lowest known version was used. */
  | 'VERSION_FALLBACK_LOWEST'
  /** The announced `ver` is not "Major.Minor"; the version was resolved as if it were absent (1.0). */
  | 'VERSION_INVALID';

export interface ResolutionWarning {
  readonly code: ResolutionWarningCode;
  readonly objectId: number;
  readonly requestedVersion: string;
  readonly resolvedVersion: string;
  readonly message: string;
}

export interface ResolvedModel {
  readonly model: ObjectModel;
  /** The version the client announced ("1.0" when it announced none, LwM2M Core 1.1.1 §6.2.1 `ver`). */
  readonly requestedVersion: string;
  /** The version of the model actually used. */
  readonly resolvedVersion: string;
  readonly warning?: ResolutionWarning;
}

/** A `ModelProvider` bound to one registration, with the warnings its object versions produced. */
export interface RegistrationModelProvider extends ModelProvider {
  /** Warnings for announced objects (computed eagerly) and for objects resolved later on demand. */
  readonly warnings: readonly ResolutionWarning[];
  resolution(objectId: number): ResolvedModel | undefined;
}

/**
 * Every known object model, indexed by (object id, object version). Immutable once built; the app builds one
 * (usually with `loadBundledRegistry()`) and passes it where needed.
 */
export class ModelRegistry {
  private readonly byObject = new Map<number, Map<string, ObjectModel>>();
  private readonly sortedVersions = new Map<number, readonly string[]>();

  constructor(models: Iterable<ObjectModel>) {
    for (const model of models) {
      let versions = this.byObject.get(model.id);
      if (!versions) this.byObject.set(model.id, (versions = new Map()));
      if (versions.has(model.version)) {
        throw new ModelError('DDF_DUPLICATE', `object ${model.id} version ${model.version} defined twice`);
      }
      versions.set(model.version, model);
    }
    for (const [id, versions] of this.byObject) {
      this.sortedVersions.set(id, [...versions.keys()].sort(compareObjectVersions));
    }
  }

  /** Object ids in ascending order. */
  objectIds(): number[] {
    return [...this.byObject.keys()].sort((a, b) => a - b);
  }

  /** Number of (object, version) models. */
  get size(): number {
    let n = 0;
    for (const v of this.byObject.values()) n += v.size;
    return n;
  }

  get(objectId: number, version: string): ObjectModel | undefined {
    return this.byObject.get(objectId)?.get(version);
  }

  /** Known versions of an object, ascending; empty when the object is unknown. */
  versions(objectId: number): readonly string[] {
    return this.sortedVersions.get(objectId) ?? [];
  }

  latest(objectId: number): ObjectModel | undefined {
    const versions = this.sortedVersions.get(objectId);
    const last = versions?.[versions.length - 1];
    return last === undefined ? undefined : this.get(objectId, last);
  }

  /** Every model, by object id then version. */
  *models(): IterableIterator<ObjectModel> {
    for (const id of this.objectIds()) {
      for (const version of this.versions(id)) yield this.get(id, version) as ObjectModel;
    }
  }

  /**
   * The model to read an object with, for the version a client announced. No version means 1.0 (LwM2M Core 1.1.1
   * §6.2.1); an unknown version falls back to the nearest lower known version, or to the lowest known one when
   * none is lower, with a warning. Returns undefined for an unknown object: callers keep its data raw.
   */
  resolve(objectId: number, version?: string): ResolvedModel | undefined {
    const versions = this.sortedVersions.get(objectId);
    const byVersion = this.byObject.get(objectId);
    if (!versions || !byVersion) return undefined;
    const requested = version ?? DEFAULT_OBJECT_VERSION;
    const exact = byVersion.get(requested);
    if (exact) return { model: exact, requestedVersion: requested, resolvedVersion: requested };

    let target = requested;
    let invalid = false;
    if (!isObjectVersion(requested)) {
      invalid = true;
      target = DEFAULT_OBJECT_VERSION;
      const fallback = byVersion.get(target);
      if (fallback) return this.withWarning(fallback, requested, 'VERSION_INVALID');
    }
    // Normalises "2.00" style spellings before falling back.
    const parsed = parseObjectVersion(target);
    const canonical = parsed ? `${parsed[0]}.${parsed[1]}` : target;
    const same = byVersion.get(canonical);
    if (same) return { model: same, requestedVersion: requested, resolvedVersion: canonical };

    let lower: string | undefined;
    for (const v of versions) if (compareObjectVersions(v, canonical) < 0) lower = v;
    const chosen = lower ?? (versions[0] as string);
    const code: ResolutionWarningCode = invalid
      ? 'VERSION_INVALID'
      : lower
        ? 'VERSION_FALLBACK_LOWER'
        : 'VERSION_FALLBACK_LOWEST';
    return this.withWarning(byVersion.get(chosen) as ObjectModel, requested, code);
  }

  private withWarning(model: ObjectModel, requested: string, code: ResolutionWarningCode): ResolvedModel {
    const why: Record<ResolutionWarningCode, string> = {
      VERSION_FALLBACK_LOWER: 'unknown version, using the nearest lower known version',
      VERSION_FALLBACK_LOWEST:
        'unknown version older than every known version, using the lowest known version',
      VERSION_INVALID: 'invalid version, using the version of an object announced without one',
    };
    return {
      model,
      requestedVersion: requested,
      resolvedVersion: model.version,
      warning: {
        code,
        objectId: model.id,
        requestedVersion: requested,
        resolvedVersion: model.version,
        message: `object ${model.id} ver=${requested}: ${why[code]} ${model.version}`,
      },
    };
  }

  /**
   * A provider bound to the object versions of one registration (object id -> announced version). Objects the
   * registration did not announce resolve as version 1.0. Resolutions are cached in the provider.
   */
  providerFor(objectVersions: ReadonlyMap<number, string>): RegistrationModelProvider {
    const cache = new Map<number, ResolvedModel | null>();
    const warnings: ResolutionWarning[] = [];
    const lookup = (objectId: number): ResolvedModel | undefined => {
      const hit = cache.get(objectId);
      if (hit !== undefined) return hit ?? undefined;
      const resolved = this.resolve(objectId, objectVersions.get(objectId));
      cache.set(objectId, resolved ?? null);
      if (resolved?.warning) warnings.push(resolved.warning);
      return resolved;
    };
    for (const objectId of objectVersions.keys()) lookup(objectId);
    return {
      warnings,
      resolution: lookup,
      getObjectModel: (objectId) => lookup(objectId)?.model,
    };
  }
}

/** `{ "3416": "2.0" }` (the uplink contract's shape) -> Map<number, string>, ignoring keys that are not ids. */
export function objectVersionsFromRecord(record: Readonly<Record<string, string>>): Map<number, string> {
  const out = new Map<number, string>();
  for (const key of Object.keys(record)) {
    if (!/^\d{1,5}$/.test(key)) continue;
    out.set(Number(key), record[key] as string);
  }
  return out;
}
