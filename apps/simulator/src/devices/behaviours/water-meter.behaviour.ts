import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { localHour } from '../city-profile';
import { type BehaviourContext, type DeviceBehaviour } from '../device-behaviour';
import { type InjectedEvent } from '../device-types';

/** Household consumption in m3/h by hour: low at night, peaks at breakfast and dinner. */
export function householdFlow(hour: number): number {
  if (hour < 6) return 0.003;
  if (hour < 9) return 0.06;
  if (hour < 12) return 0.02;
  if (hour < 14) return 0.035;
  if (hour < 19) return 0.015;
  if (hour < 22) return 0.05;
  return 0.01;
}

/**
 * Water meter: cumulative volume (3424/1) following a daily profile, pulses, flow extremes, a slowly draining
 * battery (3411) and radio figures (3412). An injected leak adds a constant night-and-day flow and raises
 * "leak suspected" then "leak detected" (3424/9, /10), which the platform turns into an alarm.
 */
export class WaterMeterBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];
  private leakFlow = 0;

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3424/0/1', '/3424/0/9', '/3424/0/10', '/3411/0/1'].map((p) => ctx.values.path(p));
  }

  init(): void {
    const { values: v, rnd } = this.ctx;
    v.put('/3424/0/1', rnd.between(20, 900));
    v.put('/3424/0/3', 'volumetric');
    v.put('/3424/0/6', 1000);
    v.put('/3424/0/4', Math.round(v.num('/3424/0/1') * 1000));
    for (const r of [9, 10, 11, 12, 13]) v.put(`/3424/0/${r}`, false);
    v.put('/3411/0/1', rnd.int(60, 100));
    v.put('/3411/0/3', 3.6);
    v.put('/3411/0/5', 10);
    v.put('/3411/0/6', false);
    v.put('/3412/0/1', 'NB-IoT');
    v.put('/3412/0/6', macAddress(rnd.next()));
    v.put('/3412/0/20', rnd.between(-110, -70));
    v.put('/3412/0/18', rnd.between(2, 15));
  }

  tick(timeMs: number, dtSeconds: number): void {
    const { values: v, rnd, city } = this.ctx;
    const flow = Math.max(0, householdFlow(localHour(city, timeMs)) * rnd.between(0.5, 1.5)) + this.leakFlow;
    const volume = v.add('/3424/0/1', (flow * dtSeconds) / 3600);
    v.put('/3424/0/4', Math.round(volume * 1000));
    v.put('/3424/0/8', flow / 3600);
    // About 2 % of the battery a year; a few hundredths over a demo.
    v.put('/3411/0/1', v.num('/3411/0/1') - dtSeconds / (3600 * 24 * 18));
    v.put('/3411/0/6', v.num('/3411/0/1') < 10);
    v.put('/3412/0/20', -90 + rnd.gaussian(0, 4));
  }

  inject(event: InjectedEvent): boolean {
    if (event !== 'leak') return false;
    this.leakFlow = 0.08;
    this.ctx.values.put('/3424/0/9', true);
    this.ctx.values.put('/3424/0/10', true);
    this.ctx.values.put('/3424/0/7', this.leakFlow / 3600);
    return true;
  }
}

export function macAddress(seed: number): string {
  const bytes = [0x02, 0x5c];
  let x = Math.floor(seed * 2 ** 32);
  for (let i = 0; i < 4; i++) {
    bytes.push(x & 0xff);
    x >>>= 8;
  }
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
