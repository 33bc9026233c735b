import { type Lwm2mRecord } from './node';

/** Records of one resource: a single value (`value`) or resource instances by id, each possibly several times. */
export interface ResourceNode {
  readonly id: number;
  /** Records at the resource path itself, in payload order (several when a Send carries history). */
  readonly values: Lwm2mRecord[];
  readonly instances: Map<number, Lwm2mRecord[]>;
}

export type InstanceNode = Map<number, ResourceNode>;
export type ObjectNode = Map<number, InstanceNode>;

/**
 * A tree view of flat records: object id -> instance id -> resource id -> records. The codecs work on flat lists
 * (the hot path consumes values one by one); consumers that think in objects (e.g. "every resource of /3416/0")
 * use this view. Insertion order follows the records.
 */
export function recordTree(records: Iterable<Lwm2mRecord>): Map<number, ObjectNode> {
  const tree = new Map<number, ObjectNode>();
  for (const r of records) {
    const { objectId, instanceId, resourceId, resourceInstanceId } = r.path;
    if (objectId === undefined || instanceId === undefined || resourceId === undefined) continue;
    let object = tree.get(objectId);
    if (!object) tree.set(objectId, (object = new Map()));
    let instance = object.get(instanceId);
    if (!instance) object.set(instanceId, (instance = new Map()));
    let resource = instance.get(resourceId);
    if (!resource)
      instance.set(resourceId, (resource = { id: resourceId, values: [], instances: new Map() }));
    if (resourceInstanceId === undefined) resource.values.push(r);
    else {
      const list = resource.instances.get(resourceInstanceId);
      if (list) list.push(r);
      else resource.instances.set(resourceInstanceId, [r]);
    }
  }
  return tree;
}
