import { ObjectTree } from '@smartcity/lwm2m-client';
import { type ObjectModel } from '@smartcity/lwm2m-core';
import { type SeededRandom } from '../random/seeded-random';
import { StreetlightBehaviour } from './behaviours/streetlight.behaviour';
import { ElectricityMeterBehaviour, GasMeterBehaviour } from './behaviours/energy-meters.behaviour';
import { AirQualityBehaviour, NoiseBehaviour } from './behaviours/environment.behaviour';
import { ParkingBehaviour, TiltBehaviour, WasteBinBehaviour } from './behaviours/street-sensors.behaviour';
import { WaterMeterBehaviour } from './behaviours/water-meter.behaviour';
import { type CityProfile } from './city-profile';
import { type BehaviourContext, type DeviceBehaviour } from './device-behaviour';
import { type DeviceType } from './device-types';
import { DeviceValues } from './device-values';
import { type VendorProfile } from './vendor-profiles';

/** Finds the model of an object version; the simulator fails fast on a profile naming a version nobody ships. */
export interface ModelSource {
  get(objectId: number, version: string): ObjectModel | undefined;
}

export interface SimulatedDevice {
  readonly endpoint: string;
  readonly type: DeviceType;
  readonly vendor: VendorProfile;
  readonly tree: ObjectTree;
  readonly values: DeviceValues;
  readonly behaviour: DeviceBehaviour;
}

const BEHAVIOURS: Readonly<Record<DeviceType, new (ctx: BehaviourContext) => DeviceBehaviour>> = {
  streetlight: StreetlightBehaviour,
  'water-meter': WaterMeterBehaviour,
  'gas-meter': GasMeterBehaviour,
  'electricity-meter': ElectricityMeterBehaviour,
  parking: ParkingBehaviour,
  'waste-bin': WasteBinBehaviour,
  'air-quality': AirQualityBehaviour,
  noise: NoiseBehaviour,
  tilt: TiltBehaviour,
};

export interface DeviceSpec {
  readonly endpoint: string;
  readonly type: DeviceType;
  readonly vendor: VendorProfile;
  readonly index: number;
}

/**
 * Builds a device: the Server object (/1/0), the Device object (/3/0) and the vendor's objects at their versions,
 * one instance each, filled by the family's behaviour at simulated time `timeMs`.
 */
export function createDevice(
  spec: DeviceSpec,
  models: ModelSource,
  rnd: SeededRandom,
  city: CityProfile,
  timeMs: number,
  lifetime: number,
): SimulatedDevice {
  const { vendor } = spec;
  const model = (id: number, version: string): ObjectModel => {
    const m = models.get(id, version);
    if (!m)
      throw new Error(
        `vendor profile ${vendor.vendor} ${vendor.model}: no model for object ${id} v${version}`,
      );
    return m;
  };
  const deviceVersion = vendor.objects[3] ?? '1.1';
  const tree = new ObjectTree();
  tree.addObject(model(1, deviceVersion === '1.0' ? '1.0' : '1.1'));
  tree.addInstance(1, 0, { 0: 1, 1: lifetime, 6: false, 7: 'U' });
  for (const [id, version] of Object.entries(vendor.objects)) {
    tree.addObject(model(Number(id), version));
    tree.addInstance(Number(id), 0);
  }
  const values = new DeviceValues(tree);
  values.put('/3/0/0', vendor.vendor);
  values.put('/3/0/1', vendor.model);
  values.put('/3/0/2', `${vendor.model}-${rnd.int(100000, 999999)}`);
  values.put('/3/0/3', vendor.firmware);
  tree.set(values.path('/3/0/11'), new Map([[0, 0]])); // Error Code: 0 = no error (Core 1.1.1 §E.4)
  values.put('/3/0/13', Math.floor(timeMs / 1000));
  values.put(
    '/3/0/14',
    city.utcOffsetHours >= 0 ? `+0${city.utcOffsetHours}:00` : `-0${-city.utcOffsetHours}:00`,
  );
  values.put('/3/0/16', 'U');
  values.put('/3/0/17', spec.type);
  tree.onExecute(3, 4, () => undefined); // Reboot: a simulated device "reboots" instantly
  const behaviour = new BEHAVIOURS[spec.type]({ values, rnd, city, vendor, index: spec.index });
  behaviour.init(timeMs);
  if (values.has('/3411/0/1')) values.put('/3/0/9', values.num('/3411/0/1'));
  return { endpoint: spec.endpoint, type: spec.type, vendor, tree, values, behaviour };
}
