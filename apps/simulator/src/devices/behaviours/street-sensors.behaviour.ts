import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { localHour } from '../city-profile';
import { type BehaviourContext, type DeviceBehaviour } from '../device-behaviour';
import { type InjectedEvent } from '../device-types';

/** Parking sensor (3431): occupancy follows a daily demand curve; durations accumulate. */
export class ParkingBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];
  private since = 0;

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3431/0/1', '/3431/0/2', '/3431/0/3'].map((p) => ctx.values.path(p));
  }

  init(timeMs: number): void {
    const { values: v, rnd } = this.ctx;
    v.put('/3431/0/1', rnd.chance(0.5));
    v.put('/3431/0/2', 0);
    v.put('/3431/0/3', 0);
    v.put('/3431/0/4', false);
    v.put('/3431/0/5', 'magnetic');
    v.put('/3411/0/1', rnd.int(40, 100));
    this.since = timeMs;
  }

  tick(timeMs: number, dtSeconds: number): void {
    const { values: v, rnd, city } = this.ctx;
    const hour = localHour(city, timeMs);
    const demand = hour >= 8 && hour < 19 ? 0.8 : hour >= 19 && hour < 23 ? 0.5 : 0.2;
    const occupied = v.bool('/3431/0/1');
    // Mean stay of ~1 h, vacant spots taken according to demand: a two-state Markov chain per second.
    const flip = occupied ? dtSeconds / 3600 : (dtSeconds * demand) / 900;
    if (rnd.chance(Math.min(1, flip))) {
      v.put('/3431/0/1', !occupied);
      this.since = timeMs;
      if (v.has('/3431/0/6') && !occupied) v.put('/3431/0/6', timeMs / 1000);
    }
    if (v.bool('/3431/0/1')) {
      v.put('/3431/0/2', (timeMs - this.since) / 1000);
      v.put('/3431/0/3', v.num('/3431/0/3') + dtSeconds);
    } else v.put('/3431/0/2', 0);
  }

  inject(): boolean {
    return false;
  }
}

/** Waste container fill level (3435): fills slowly, "container full" above the high threshold, emptied by collection. */
export class WasteBinBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];
  private readonly fillPerHour: number;

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3435/0/2', '/3435/0/3', '/3435/0/5', '/3435/0/7'].map((p) => ctx.values.path(p));
    this.fillPerHour = ctx.rnd.between(0.5, 3);
  }

  init(): void {
    const { values: v, rnd } = this.ctx;
    v.put('/3435/0/1', 120);
    v.put('/3435/0/4', 90);
    v.put('/3435/0/6', 10);
    this.setFill(rnd.between(5, 70));
    v.put('/3411/0/1', rnd.int(50, 100));
  }

  tick(_timeMs: number, dtSeconds: number): void {
    const fill = this.ctx.values.num('/3435/0/2');
    // Collected the moment it is full (a demo city has efficient crews); otherwise it keeps filling.
    this.setFill(fill >= 100 ? 3 : Math.min(100, fill + (this.fillPerHour * dtSeconds) / 3600));
    this.ctx.values.put('/3435/0/8', this.fillPerHour);
  }

  inject(event: InjectedEvent): boolean {
    if (event !== 'full-bin') return false;
    this.setFill(96);
    return true;
  }

  private setFill(percent: number): void {
    const v = this.ctx.values;
    v.put('/3435/0/2', percent);
    v.put('/3435/0/3', (percent / 100) * 120);
    v.put('/3435/0/5', percent >= v.num('/3435/0/4'));
    v.put('/3435/0/7', percent <= v.num('/3435/0/6'));
  }
}

/** Tilt sensor (3429) on a pole or a bin: small jitter around zero; an injected tilt puts it out of position. */
export class TiltBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];
  private offset = 0;

  constructor(private readonly ctx: BehaviourContext) {
    this.reportPaths = ['/3429/0/1', '/3429/0/6'].map((p) => ctx.values.path(p));
  }

  init(): void {
    const v = this.ctx.values;
    v.put('/3429/0/1', 0);
    v.put('/3429/0/2', 0);
    v.put('/3429/0/3', 0);
    v.put('/3429/0/5', 0.35);
    v.put('/3429/0/6', false);
    v.put('/3411/0/1', this.ctx.rnd.int(50, 100));
  }

  tick(): void {
    const v = this.ctx.values;
    const angle = this.offset + this.ctx.rnd.gaussian(0, 0.005);
    v.put('/3429/0/1', angle);
    v.put('/3429/0/2', Math.min(v.num('/3429/0/2'), angle));
    v.put('/3429/0/3', Math.max(v.num('/3429/0/3'), angle));
    v.put('/3429/0/6', Math.abs(angle) > v.num('/3429/0/5'));
  }

  inject(event: InjectedEvent): boolean {
    if (event !== 'tilt') return false;
    this.offset = 0.8;
    this.tick();
    return true;
  }
}
