import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { localHour } from '../city-profile';
import { type BehaviourContext, type DeviceBehaviour } from '../device-behaviour';

/** Traffic intensity by hour (0..1): drives pollution and noise. */
export function trafficIntensity(hour: number): number {
  if (hour < 5) return 0.1;
  if (hour < 7) return 0.4;
  if (hour < 10) return 1;
  if (hour < 16) return 0.6;
  if (hour < 20) return 0.95;
  return 0.35;
}

/** Air quality station (3428): particulates and NO2 rise with traffic, ozone with the afternoon sun. */
export class AirQualityBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];
  private readonly background: number;

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3428/0/1', '/3428/0/3', '/3428/0/15', '/3428/0/12', '/3428/0/17'].map((p) =>
      ctx.values.path(p),
    );
    this.background = ctx.rnd.between(0.7, 1.3);
  }

  init(timeMs: number): void {
    this.tick(timeMs);
  }

  tick(timeMs: number): void {
    const { values: v, rnd, city } = this.ctx;
    const hour = localHour(city, timeMs);
    const traffic = trafficIntensity(hour) * this.background;
    const pm25 = Math.max(1, 6 + 18 * traffic + rnd.gaussian(0, 1.5));
    v.put('/3428/0/3', pm25);
    v.put('/3428/0/1', pm25 * 1.6 + rnd.gaussian(0, 2));
    v.put('/3428/0/5', pm25 * 0.6);
    v.put('/3428/0/15', Math.max(0.002, 0.01 + 0.03 * traffic + rnd.gaussian(0, 0.002)));
    v.put('/3428/0/12', Math.max(0.005, 0.02 + 0.03 * Math.max(0, Math.sin(((hour - 8) / 12) * Math.PI))));
    v.put('/3428/0/17', 410 + 60 * traffic + rnd.gaussian(0, 5));
    v.put('/3428/0/7', 0.2 + 0.8 * traffic);
  }

  inject(): boolean {
    return false;
  }
}

/** Noise sensor (3433): level in dB(A) with traffic, min/max kept since the last reset. */
export class NoiseBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3433/0/3', '/3433/0/4', '/3433/0/5'].map((p) => ctx.values.path(p));
  }

  init(timeMs: number): void {
    const v = this.ctx.values;
    v.put('/3433/0/1', false);
    v.put('/3433/0/2', false);
    v.put('/3433/0/6', 30);
    v.put('/3433/0/7', 120);
    v.put('/3433/0/4', 200);
    v.put('/3433/0/5', 0);
    this.tick(timeMs);
    v.tree.onExecute(3433, 8, () => {
      v.put('/3433/0/4', v.num('/3433/0/3'));
      v.put('/3433/0/5', v.num('/3433/0/3'));
    });
  }

  tick(timeMs: number): void {
    const { values: v, rnd, city } = this.ctx;
    const db = 42 + 30 * trafficIntensity(localHour(city, timeMs)) + rnd.gaussian(0, 3);
    v.put('/3433/0/3', db);
    v.put('/3433/0/4', Math.min(v.num('/3433/0/4'), db));
    v.put('/3433/0/5', Math.max(v.num('/3433/0/5'), db));
  }

  inject(): boolean {
    return false;
  }
}
