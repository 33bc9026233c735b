import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { localHour } from '../city-profile';
import { type BehaviourContext, type DeviceBehaviour } from '../device-behaviour';

/** Gas meter (3423): heating-driven consumption, higher mornings and evenings; battery powered. */
export class GasMeterBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3423/0/1', '/3423/0/9', '/3423/0/10', '/3411/0/1'].map((p) => ctx.values.path(p));
  }

  init(): void {
    const { values: v, rnd } = this.ctx;
    v.put('/3423/0/1', rnd.between(100, 5000));
    v.put('/3423/0/3', 'diaphragm');
    v.put('/3423/0/6', 100);
    for (const r of [9, 10, 11]) v.put(`/3423/0/${r}`, false);
    v.put('/3411/0/1', rnd.int(50, 100));
  }

  tick(timeMs: number, dtSeconds: number): void {
    const { values: v, rnd, city } = this.ctx;
    const hour = localHour(city, timeMs);
    const heating = hour >= 6 && hour < 9 ? 1.2 : hour >= 18 && hour < 23 ? 1 : 0.3;
    const flow = heating * rnd.between(0.6, 1.4); // m3/h
    const volume = v.add('/3423/0/1', (flow * dtSeconds) / 3600);
    v.put('/3423/0/4', Math.round(volume * 100));
    v.put('/3411/0/1', v.num('/3411/0/1') - dtSeconds / (3600 * 24 * 20));
  }

  inject(): boolean {
    return false;
  }
}

/** Single-phase electricity meter (3421): household load curve, import energy counter in Wh. */
export class ElectricityMeterBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3421/0/1', '/3421/0/6', '/3421/0/16', '/3421/0/25'].map((p) => ctx.values.path(p));
  }

  init(): void {
    const { values: v, rnd } = this.ctx;
    v.put('/3421/0/25', rnd.between(1e6, 2e7));
    v.put('/3421/0/2', 207);
    v.put('/3421/0/4', 253);
    v.put('/3421/0/11', 50);
    this.tick(Date.now(), 0);
  }

  tick(timeMs: number, dtSeconds: number): void {
    const { values: v, rnd, city } = this.ctx;
    const hour = localHour(city, timeMs);
    const base = hour < 6 ? 200 : hour < 9 ? 1500 : hour < 17 ? 500 : hour < 23 ? 2200 : 400;
    const watts = Math.max(50, base * rnd.between(0.7, 1.3));
    const voltage = 230 + rnd.gaussian(0, 2);
    const pf = 0.9 + rnd.between(0, 0.08);
    v.put('/3421/0/1', voltage);
    v.put('/3421/0/3', voltage < 207);
    v.put('/3421/0/5', voltage > 253);
    v.put('/3421/0/6', watts / (voltage * pf));
    v.put('/3421/0/13', pf);
    v.put('/3421/0/16', watts);
    if (dtSeconds > 0) v.add('/3421/0/25', (watts * dtSeconds) / 3600);
  }

  inject(): boolean {
    return false;
  }
}
