import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { type SeededRandom } from '../random/seeded-random';
import { type CityProfile } from './city-profile';
import { type DeviceValues } from './device-values';
import { type InjectedEvent } from './device-types';
import { type VendorProfile } from './vendor-profiles';

export interface BehaviourContext {
  readonly values: DeviceValues;
  readonly rnd: SeededRandom;
  readonly city: CityProfile;
  readonly vendor: VendorProfile;
  /** Device index in the fleet (spreads assets around the city centre). */
  readonly index: number;
}

/**
 * What makes a simulated device behave like its real counterpart: initial values, evolution over (simulated)
 * time, reaction to commands, and the events tests inject. All randomness comes from `ctx.rnd`.
 */
export interface DeviceBehaviour {
  /** The resources the device reports (Send payload; the ones a server observes). */
  readonly reportPaths: readonly Lwm2mPath[];
  /** Sets the values at creation; `timeMs` is the simulated time. */
  init(timeMs: number): void;
  /** Advances the physics by `dtSeconds` up to `timeMs`. */
  tick(timeMs: number, dtSeconds: number): void;
  /** Applies an injected event; false when it does not apply to this device. */
  inject(event: InjectedEvent, timeMs: number): boolean;
}
