import { type DataType } from '../data-type';
import { type ObjectModel, type ResourceModel, type ResourceOperations } from '../model';

/** Compact row of a generated resource table: id, name, operations, multiple, mandatory, type, units. */
export type ResourceRow = readonly [number, string, ResourceOperations, boolean, boolean, DataType, string?];

/** Builds an ObjectModel from compact rows (the tables in this folder are generated from the OMNA DDF XML). */
export function objectModel(
  id: number,
  name: string,
  version: string,
  multiple: boolean,
  rows: readonly ResourceRow[],
): ObjectModel {
  const resources = new Map<number, ResourceModel>();
  for (const [rid, rname, operations, rmultiple, mandatory, type, units] of rows) {
    resources.set(rid, {
      id: rid,
      name: rname,
      operations,
      multiple: rmultiple,
      mandatory,
      type,
      ...(units ? { units } : {}),
    });
  }
  return { id, name, version, multiple, mandatory: false, resources };
}
