import { type ModelProvider, type ObjectModel } from '../model';
import { DEVICE_1_0, DEVICE_1_2, FIRMWARE_UPDATE_1_2, SECURITY_1_2, SERVER_1_2 } from './oma-core-models';
import { ELECTRICAL_MONITOR_2_1, OUTDOOR_LAMP_CONTROLLER_3_0, WATER_METER_1_1 } from './ucifi-sample-models';

export * from './object-model-builder';
export * from './oma-core-models';
export * from './ucifi-sample-models';

/** Every model shipped in this library, all versions. */
export const BUILTIN_OBJECT_MODELS: readonly ObjectModel[] = [
  SECURITY_1_2,
  SERVER_1_2,
  DEVICE_1_0,
  DEVICE_1_2,
  FIRMWARE_UPDATE_1_2,
  OUTDOOR_LAMP_CONTROLLER_3_0,
  ELECTRICAL_MONITOR_2_1,
  WATER_METER_1_1,
];

/**
 * A provider over the built-in models bound to the object versions a client announced (`</3>;ver=1.0`).
 * An object without an announced version gets the newest built-in version (LwM2M Core 1.1.1 §6.2.1.1: no `ver`
 * means 1.0, but the caller decides whether to pass that default; the CLI passes `--object-version`).
 */
export function builtinModelProvider(objectVersions: ReadonlyMap<number, string> = new Map()): ModelProvider {
  const chosen = new Map<number, ObjectModel>();
  for (const model of BUILTIN_OBJECT_MODELS) {
    const wanted = objectVersions.get(model.id);
    const current = chosen.get(model.id);
    if (wanted !== undefined) {
      if (model.version === wanted) chosen.set(model.id, model);
    } else if (!current || compareVersions(model.version, current.version) > 0) chosen.set(model.id, model);
  }
  return { getObjectModel: (objectId) => chosen.get(objectId) };
}

/** Orders "major.minor" versions numerically ("1.10" > "1.9"). */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}
