import { type ModelRegistry } from '@smartcity/ucifi-model';
import { type ObjectNames } from './device.mapping';

/** Injection token of the ObjectNames used by resolvers. */
export const OBJECT_NAMES = Symbol('OBJECT_NAMES');

/** Object and resource names from the bundled model registry, resolved for the announced object version. */
export function objectNamesFrom(registry: ModelRegistry): ObjectNames {
  return {
    objectName: (objectId, version) => registry.resolve(objectId, version)?.model.name ?? null,
    resourceName: (objectId, version, resourceId) =>
      registry.resolve(objectId, version)?.model.resources.get(resourceId)?.name ?? null,
  };
}
