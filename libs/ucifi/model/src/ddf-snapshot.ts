import { type ObjectModel, type ResourceModel } from '@smartcity/lwm2m-core';
import { isDataType } from '@smartcity/lwm2m-core';
import { ModelError } from './model.errors';

/**
 * A JSON image of parsed DDF models, generated from the XML by `npm run codegen:ucifi` so that processes load the
 * whole registry in milliseconds instead of parsing ~180 XML files. The XML stays the source of truth;
 * `tools/check-generated.sh` fails when the image is stale.
 */
export const SNAPSHOT_FORMAT = 1;

export interface DdfSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly objects: readonly SnapshotObject[];
}

type SnapshotObject = Omit<ObjectModel, 'resources'> & { readonly resources: readonly ResourceModel[] };

/** Models sorted by id then version, resources by id: the output is stable for diffs. */
export function toSnapshot(models: Iterable<ObjectModel>): DdfSnapshot {
  const objects = [...models]
    .sort((a, b) => a.id - b.id || a.version.localeCompare(b.version, 'en', { numeric: true }))
    .map(({ resources, ...object }) => ({
      ...object,
      resources: [...resources.values()].sort((a, b) => a.id - b.id),
    }));
  return { format: SNAPSHOT_FORMAT, objects };
}

export function fromSnapshot(snapshot: unknown, source = 'snapshot'): ObjectModel[] {
  const s = snapshot as Partial<DdfSnapshot> | null;
  if (!s || s.format !== SNAPSHOT_FORMAT || !Array.isArray(s.objects)) {
    throw new ModelError('DDF_INVALID_FIELD', `not a format ${SNAPSHOT_FORMAT} DDF snapshot`, source);
  }
  return (s.objects as readonly SnapshotObject[]).map((o) => {
    for (const r of o.resources) {
      if (!isDataType(r.type)) {
        throw new ModelError('DDF_INVALID_FIELD', `/${o.id}/${r.id}: type "${String(r.type)}"`, source);
      }
    }
    return { ...o, resources: new Map(o.resources.map((r) => [r.id, r])) };
  });
}
