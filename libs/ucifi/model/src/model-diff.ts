import { type ObjectModel, type ResourceModel } from '@smartcity/lwm2m-core';

/** Resource fields compared between two versions of an object (descriptions are prose and left out). */
export const DIFFED_FIELDS = [
  'name',
  'type',
  'units',
  'operations',
  'mandatory',
  'multiple',
  'rangeEnumeration',
] as const;
export type DiffedField = (typeof DIFFED_FIELDS)[number];

export interface ResourceChange {
  readonly id: number;
  readonly field: DiffedField;
  readonly from: ResourceModel[DiffedField];
  readonly to: ResourceModel[DiffedField];
}

export interface ModelDiff {
  readonly objectId: number;
  readonly from: string;
  readonly to: string;
  readonly added: readonly number[];
  readonly removed: readonly number[];
  readonly changed: readonly ResourceChange[];
}

/** What changed from one version of an object to another, resource by resource (ids ascending). */
export function diffModels(from: ObjectModel, to: ObjectModel): ModelDiff {
  const ids = [...new Set([...from.resources.keys(), ...to.resources.keys()])].sort((a, b) => a - b);
  const added: number[] = [];
  const removed: number[] = [];
  const changed: ResourceChange[] = [];
  for (const id of ids) {
    const a = from.resources.get(id);
    const b = to.resources.get(id);
    if (!a) added.push(id);
    else if (!b) removed.push(id);
    else {
      for (const field of DIFFED_FIELDS) {
        if (a[field] !== b[field]) changed.push({ id, field, from: a[field], to: b[field] });
      }
    }
  }
  return { objectId: to.id, from: from.version, to: to.version, added, removed, changed };
}
