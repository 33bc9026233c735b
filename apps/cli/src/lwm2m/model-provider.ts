import { type ModelProvider } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';

export interface CliModelProvider extends ModelProvider {
  /** Version fallbacks the registry applied (an announced version it does not know), for stderr. */
  readonly warnings: ReadonlyArray<{ readonly message: string }>;
}

/**
 * The one place the decode/encode commands get object models from: the bundled OMNA registry (uCIFI + core
 * objects, every published version) bound to the object versions given on the command line, as a registration
 * binds them (`</3416>;ver=2.0`; an object without version is 1.0, LwM2M Core 1.1.1 §6.2.1.1).
 */
export function cliModelProvider(objectVersions: ReadonlyMap<number, string>): CliModelProvider {
  return loadBundledRegistry().providerFor(objectVersions);
}
