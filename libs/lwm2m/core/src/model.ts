import { type DataType } from './data-type';

/** Operations allowed on a resource, as declared in the object's DDF (`R`, `W`, `RW`, `E`, or none). */
export type ResourceOperations = 'R' | 'W' | 'RW' | 'E' | 'NONE';

/** A resource definition of an object model (LwM2M Core 1.1.1 §7.1, DDF `<Item>`). */
export interface ResourceModel {
  readonly id: number;
  readonly name: string;
  readonly operations: ResourceOperations;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  readonly type: DataType;
  readonly rangeEnumeration?: string;
  readonly units?: string;
  readonly description?: string;
}

/** An object definition (DDF `<Object>`) for one object version. */
export interface ObjectModel {
  readonly id: number;
  readonly name: string;
  /** Object version, "1.0" when the DDF declares none (LwM2M Core 1.1.1 §7.2.2). */
  readonly version: string;
  readonly lwm2mVersion?: string;
  readonly urn?: string;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  readonly description?: string;
  readonly resources: ReadonlyMap<number, ResourceModel>;
}

/**
 * Gives the object models a payload must be read with. A provider is already bound to the object versions one
 * client announced at registration, so `getObjectModel(3416)` answers with the 3416 version that device speaks.
 * Codecs only ever ask for models through this interface.
 */
export interface ModelProvider {
  getObjectModel(objectId: number): ObjectModel | undefined;
}

/** A provider that knows nothing: every value whose type cannot be inferred from the format is refused or kept raw. */
export const EMPTY_MODEL_PROVIDER: ModelProvider = { getObjectModel: () => undefined };

/** Builds a provider from a list of models (one version per object id; the last one wins). */
export function staticModelProvider(models: Iterable<ObjectModel>): ModelProvider {
  const byId = new Map<number, ObjectModel>();
  for (const model of models) byId.set(model.id, model);
  return { getObjectModel: (objectId) => byId.get(objectId) };
}
