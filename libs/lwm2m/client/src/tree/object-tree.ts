import {
  isValueOfType,
  Lwm2mPath,
  type Lwm2mRecord,
  type Lwm2mValue,
  type ModelProvider,
  type ObjectModel,
  type ResourceModel,
} from '@smartcity/lwm2m-core';
import { badRequest, notAllowed, notFound } from '../lwm2m-operation.error';

/** A single value, or the instances of a multiple resource by resource-instance id. */
export type ResourceValue = Lwm2mValue | ReadonlyMap<number, Lwm2mValue>;
export type InstanceValues = ReadonlyMap<number, ResourceValue> | Readonly<Record<number, ResourceValue>>;

export type ExecuteHandler = (args: string, path: Lwm2mPath) => void | Promise<void>;
export type WriteListener = (path: Lwm2mPath, value: ResourceValue) => void;
export type ChangeListener = (path: Lwm2mPath) => void;

export type WriteMode = 'replace' | 'update';

interface InstanceState {
  readonly resources: Map<number, Lwm2mValue | Map<number, Lwm2mValue>>;
}

interface ObjectState {
  readonly model: ObjectModel;
  readonly instances: Map<number, InstanceState>;
}

/**
 * The objects, instances and resources of one LwM2M client with their typed values (Core 1.1.1 §6.1 data model).
 * The server-facing operations (Read, Write, Execute, Create, Delete) enforce the model's operations and types
 * (§5.4); the device side updates values with `set`, which notifies change listeners (Observe).
 */
export class ObjectTree implements ModelProvider {
  private readonly objects = new Map<number, ObjectState>();
  private readonly executeHandlers = new Map<string, ExecuteHandler>();
  private readonly writeListeners: WriteListener[] = [];
  private readonly changeListeners: ChangeListener[] = [];

  addObject(model: ObjectModel): this {
    if (this.objects.has(model.id)) throw new RangeError(`object ${model.id} already defined`);
    this.objects.set(model.id, { model, instances: new Map() });
    return this;
  }

  addInstance(objectId: number, instanceId: number, values: InstanceValues = {}): this {
    const object = this.object(objectId);
    if (object.instances.has(instanceId)) throw new RangeError(`instance /${objectId}/${instanceId} exists`);
    const instance: InstanceState = { resources: new Map() };
    for (const [rid, value] of entries(values)) {
      const model = this.resourceModel(object, rid);
      instance.resources.set(rid, checked(model, value, new Lwm2mPath(objectId, instanceId, rid)));
    }
    object.instances.set(instanceId, instance);
    return this;
  }

  getObjectModel(objectId: number): ObjectModel | undefined {
    return this.objects.get(objectId)?.model;
  }

  objectIds(): number[] {
    return [...this.objects.keys()].sort((a, b) => a - b);
  }

  instanceIds(objectId: number): number[] {
    return [...(this.objects.get(objectId)?.instances.keys() ?? [])].sort((a, b) => a - b);
  }

  has(path: Lwm2mPath): boolean {
    try {
      this.locate(path);
      return true;
    } catch {
      return false;
    }
  }

  /** The device-side value of a resource (or resource instance); undefined when absent. */
  get(path: Lwm2mPath): ResourceValue | undefined {
    const instance = this.objects.get(path.objectId ?? -1)?.instances.get(path.instanceId ?? -1);
    const value = instance?.resources.get(path.resourceId ?? -1);
    if (path.resourceInstanceId === undefined || value === undefined) return value;
    return value instanceof Map ? value.get(path.resourceInstanceId) : undefined;
  }

  /**
   * Device-side update of a resource value (a sensor reading, a state change). Checks the type, and notifies
   * change listeners only when the value really changed, so observations are not woken for nothing.
   */
  set(path: Lwm2mPath, value: ResourceValue): void {
    if (path.level !== 'resource') throw new RangeError(`set needs a resource path, got ${path.toString()}`);
    const object = this.object(path.objectId as number);
    const instance = object.instances.get(path.instanceId as number);
    if (!instance) throw notFound(`instance ${path.parent()?.toString()}`);
    const model = this.resourceModel(object, path.resourceId as number);
    const next = checked(model, value, path);
    const previous = instance.resources.get(model.id);
    instance.resources.set(model.id, next);
    if (!sameValue(previous, next)) this.emitChange(path);
  }

  onChange(listener: ChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** Called after a server Write changed a resource (the device reacts, e.g. a dimming command). */
  onWrite(listener: WriteListener): void {
    this.writeListeners.push(listener);
  }

  /** Registers the action of an executable resource, for one instance or (`instanceId` undefined) all of them. */
  onExecute(objectId: number, resourceId: number, handler: ExecuteHandler, instanceId?: number): void {
    this.executeHandlers.set(`${objectId}/${instanceId ?? '*'}/${resourceId}`, handler);
  }

  /** Read (Core 1.1.1 §5.4.1): the readable values below `path`, as records in path order. */
  read(path: Lwm2mPath): Lwm2mRecord[] {
    const out: Lwm2mRecord[] = [];
    if (path.level === 'root') throw notAllowed('Read on the root path');
    const readable = (m: ResourceModel) => m.operations === 'R' || m.operations === 'RW';
    if (path.level === 'resource' || path.level === 'resourceInstance') {
      const model = this.resourceModel(this.object(path.objectId as number), path.resourceId as number);
      if (!readable(model)) throw notAllowed(`Read on ${path.toString()} (operations ${model.operations})`);
    }
    const { object, instance } = this.locate(path);
    const instances =
      path.level === 'object' ? this.instanceIds(object.model.id) : [path.instanceId as number];
    for (const iid of instances) {
      const state = instance ?? object.instances.get(iid);
      if (!state) continue;
      const rids =
        path.resourceId !== undefined ? [path.resourceId] : [...state.resources.keys()].sort((a, b) => a - b);
      for (const rid of rids) {
        const model = object.model.resources.get(rid);
        const value = state.resources.get(rid);
        if (!model || value === undefined || !readable(model)) continue;
        const rpath = new Lwm2mPath(object.model.id, iid, rid);
        if (value instanceof Map) {
          for (const riid of [...value.keys()].sort((a, b) => a - b)) {
            if (path.resourceInstanceId !== undefined && riid !== path.resourceInstanceId) continue;
            out.push(record(rpath.child(riid), model, value.get(riid) as Lwm2mValue));
          }
        } else {
          out.push(record(rpath, model, value));
        }
      }
    }
    if (path.level === 'resourceInstance' && out.length === 0) throw notFound(path.toString());
    return out;
  }

  /**
   * Write (Core 1.1.1 §5.4.3). `replace` (CoAP PUT) replaces the instance or resource: writable resources
   * absent from the payload are removed from an instance, a multiple resource loses its other instances.
   * `update` (CoAP POST, "partial update") only changes what the payload carries. Every record is checked before
   * anything is applied, so a refused Write changes nothing.
   */
  write(path: Lwm2mPath, records: readonly Lwm2mRecord[], mode: WriteMode): void {
    if (path.level === 'root' || path.level === 'object') throw notAllowed(`Write on ${path.toString()}`);
    const { object, instance } = this.locate(
      path,
      path.level === 'resource' || path.level === 'resourceInstance',
    );
    if (!instance) throw notFound(path.toString());
    const grouped = new Map<number, Map<number, Lwm2mValue> | Lwm2mValue>();
    for (const r of records) {
      if (!path.contains(r.path) || r.path.level === 'instance' || r.path.level === 'object') {
        throw badRequest(`record ${r.path.toString()} is outside ${path.toString()}`);
      }
      const model = this.resourceModel(object, r.path.resourceId as number);
      if (model.operations !== 'W' && model.operations !== 'RW') {
        throw notAllowed(`Write on ${r.path.toString()} (operations ${model.operations})`);
      }
      if (!isValueOfType(model.type, r.value))
        throw badRequest(`invalid ${model.type} for ${r.path.toString()}`);
      if (model.multiple) {
        if (r.path.resourceInstanceId === undefined)
          throw badRequest(`${r.path.toString()} is a multiple resource`);
        const existing = grouped.get(model.id);
        const map = existing instanceof Map ? existing : new Map<number, Lwm2mValue>();
        map.set(r.path.resourceInstanceId, r.value);
        grouped.set(model.id, map);
      } else {
        if (r.path.resourceInstanceId !== undefined)
          throw badRequest(`${r.path.toString()} is a single resource`);
        grouped.set(model.id, r.value);
      }
    }
    if (path.level === 'instance' && mode === 'replace') {
      for (const [rid, m] of object.model.resources) {
        const writable = m.operations === 'W' || m.operations === 'RW';
        if (writable && !m.mandatory && !grouped.has(rid)) instance.resources.delete(rid);
      }
    }
    const iid = path.instanceId as number;
    for (const [rid, value] of grouped) {
      const current = instance.resources.get(rid);
      let next: Lwm2mValue | Map<number, Lwm2mValue> = value;
      // A partial update of a multiple resource (POST on /o/i/r or /o/i) merges resource instances (§5.4.3).
      if (value instanceof Map && mode === 'update' && current instanceof Map)
        next = new Map([...current, ...value]);
      else if (value instanceof Map && path.level === 'resourceInstance' && current instanceof Map) {
        next = new Map([...current, ...value]);
      }
      instance.resources.set(rid, next);
      const rpath = new Lwm2mPath(object.model.id, iid, rid);
      for (const l of this.writeListeners) l(rpath, next);
      if (!sameValue(current, next)) this.emitChange(rpath);
    }
  }

  /** Execute (Core 1.1.1 §5.4.5) on an executable resource. */
  async execute(path: Lwm2mPath, args: string): Promise<void> {
    if (path.level !== 'resource') throw notAllowed(`Execute on ${path.toString()}`);
    const { object } = this.locate(path, true);
    const model = this.resourceModel(object, path.resourceId as number);
    if (model.operations !== 'E')
      throw notAllowed(`Execute on ${path.toString()} (operations ${model.operations})`);
    const handler =
      this.executeHandlers.get(`${path.objectId}/${path.instanceId}/${path.resourceId}`) ??
      this.executeHandlers.get(`${path.objectId}/*/${path.resourceId}`);
    await handler?.(args, path);
  }

  /**
   * Create (Core 1.1.1 §5.4.6): a new instance from the records (all under one instance id, or under the object
   * path when the server lets the client choose the id). Returns the instance id.
   */
  create(objectId: number, records: readonly Lwm2mRecord[]): number {
    const object = this.object(objectId);
    const ids = new Set(records.map((r) => r.path.instanceId));
    if (ids.size > 1) throw badRequest('Create of several instances at once is not supported');
    let instanceId = [...ids][0];
    if (instanceId === undefined) {
      instanceId = 0;
      while (object.instances.has(instanceId)) instanceId++;
    }
    if (object.instances.has(instanceId))
      throw badRequest(`instance /${objectId}/${instanceId} already exists`);
    if (!object.model.multiple && object.instances.size > 0) {
      throw badRequest(`object ${objectId} is single-instance and already has an instance`);
    }
    const path = new Lwm2mPath(objectId, instanceId);
    object.instances.set(instanceId, { resources: new Map() });
    try {
      const rebased = records.map(
        (r) => ({ ...r, path: rebase(r.path, instanceId as number) }) as Lwm2mRecord,
      );
      this.write(path, rebased, 'update');
    } catch (error) {
      object.instances.delete(instanceId);
      throw error;
    }
    this.emitChange(new Lwm2mPath(objectId));
    return instanceId;
  }

  /** Delete (Core 1.1.1 §5.4.7) of an object instance. */
  delete(path: Lwm2mPath): void {
    if (path.level !== 'instance') throw notAllowed(`Delete on ${path.toString()}`);
    const { object } = this.locate(path);
    object.instances.delete(path.instanceId as number);
    this.emitChange(new Lwm2mPath(path.objectId));
  }

  /** The paths Discover lists below `path` (Core 1.1.1 §5.4.2): instances, then the resources that have a value. */
  discoverPaths(path: Lwm2mPath): Lwm2mPath[] {
    const { object } = this.locate(path);
    const out: Lwm2mPath[] = [path];
    const iids = path.instanceId !== undefined ? [path.instanceId] : this.instanceIds(object.model.id);
    for (const iid of iids) {
      const state = object.instances.get(iid);
      if (!state) continue;
      if (path.level === 'object') out.push(new Lwm2mPath(object.model.id, iid));
      if (path.level === 'resource') break;
      for (const rid of [...state.resources.keys()].sort((a, b) => a - b)) {
        out.push(new Lwm2mPath(object.model.id, iid, rid));
      }
    }
    return out;
  }

  private emitChange(path: Lwm2mPath): void {
    for (const l of this.changeListeners) l(path);
  }

  private object(objectId: number): ObjectState {
    const object = this.objects.get(objectId);
    if (!object) throw notFound(`object ${objectId}`);
    return object;
  }

  private resourceModel(object: ObjectState, resourceId: number): ResourceModel {
    const model = object.model.resources.get(resourceId);
    if (!model)
      throw notFound(`resource ${resourceId} of object ${object.model.id} v${object.model.version}`);
    return model;
  }

  /** Finds the object and instance of a path; `resourceMayBeAbsent` lets a Write create an optional resource. */
  private locate(
    path: Lwm2mPath,
    resourceMayBeAbsent = false,
  ): { object: ObjectState; instance: InstanceState | undefined } {
    const object = this.object(path.objectId ?? -1);
    if (path.instanceId === undefined) return { object, instance: undefined };
    const instance = object.instances.get(path.instanceId);
    if (!instance) throw notFound(`instance /${object.model.id}/${path.instanceId}`);
    if (path.resourceId !== undefined) {
      this.resourceModel(object, path.resourceId);
      if (!resourceMayBeAbsent && !instance.resources.has(path.resourceId)) throw notFound(path.toString());
    }
    return { object, instance };
  }
}

function entries(values: InstanceValues): Array<[number, ResourceValue]> {
  if (values instanceof Map) return [...values.entries()];
  return Object.entries(values).map(([k, v]) => [Number(k), v as ResourceValue]);
}

function checked(
  model: ResourceModel,
  value: ResourceValue,
  path: Lwm2mPath,
): Lwm2mValue | Map<number, Lwm2mValue> {
  if (value instanceof Map) {
    if (!model.multiple) throw new RangeError(`${path.toString()} is a single resource`);
    for (const v of value.values()) {
      if (!isValueOfType(model.type, v)) throw new RangeError(`invalid ${model.type} for ${path.toString()}`);
    }
    return new Map(value);
  }
  const single = value as Lwm2mValue;
  if (model.multiple) return new Map([[0, checkedSingle(model, single, path)]]);
  return checkedSingle(model, single, path);
}

function checkedSingle(model: ResourceModel, value: Lwm2mValue, path: Lwm2mPath): Lwm2mValue {
  if (!isValueOfType(model.type, value)) {
    throw new RangeError(`invalid ${model.type} value ${String(value)} for ${path.toString()}`);
  }
  return value;
}

function record(path: Lwm2mPath, model: ResourceModel, value: Lwm2mValue): Lwm2mRecord {
  return { path, type: model.type, value } as Lwm2mRecord;
}

function rebase(path: Lwm2mPath, instanceId: number): Lwm2mPath {
  return new Lwm2mPath(path.objectId, instanceId, path.resourceId, path.resourceInstanceId);
}

function sameValue(a: ResourceValue | undefined, b: ResourceValue | undefined): boolean {
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!sameValue(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    'objectId' in a &&
    'objectId' in b
  ) {
    return a.objectId === b.objectId && a.instanceId === b.instanceId;
  }
  return a === b;
}
