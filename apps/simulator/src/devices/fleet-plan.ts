import { SeededRandom } from '../random/seeded-random';
import { type DeviceSpec } from './device-factory';
import { DEVICE_TYPES, ENDPOINT_CODES, FLEET_MIX, type DeviceType } from './device-types';
import { VENDOR_PROFILES } from './vendor-profiles';

/**
 * Which devices a city has: deterministic from the seed. The first devices cover every family once (so even a
 * small fleet has a water meter to leak and a streetlight to dim); the rest follow FLEET_MIX. Endpoint names are
 * `<prefix><code>-<NNNN>` numbered per family: `lyon-sl-0001`, `lyon-wm-0001`...
 */
export function planFleet(count: number, prefix: string, seed: number | string): DeviceSpec[] {
  const rnd = new SeededRandom(`plan:${seed}`);
  const types: DeviceType[] = rnd.shuffle(DEVICE_TYPES).slice(0, Math.min(count, DEVICE_TYPES.length));
  while (types.length < count) types.push(rnd.weighted(FLEET_MIX));
  const perType = new Map<DeviceType, number>();
  return types.map((type, index) => {
    const n = (perType.get(type) ?? 0) + 1;
    perType.set(type, n);
    const vendors = VENDOR_PROFILES[type];
    const vendor = rnd.weighted(vendors.map((v) => [v, v.weight] as const));
    return {
      endpoint: `${prefix}${ENDPOINT_CODES[type]}-${String(n).padStart(4, '0')}`,
      type,
      vendor,
      index,
    };
  });
}
