import { type Lwm2mPath } from '@smartcity/lwm2m-core';
import { localHour } from '../city-profile';
import { type BehaviourContext, type DeviceBehaviour } from '../device-behaviour';
import { type InjectedEvent } from '../device-types';
import { ProgramController, cityTimeZone } from '../lighting/program-controller';

/** Lamp on from dusk to dawn, dimmed to half in the middle of the night (a common energy-saving profile). */
export function scheduledLevel(hour: number): number {
  if (hour >= 7.5 && hour < 17.5) return 0;
  if (hour >= 23 || hour < 5) return 50;
  return 100;
}

/** A dimming command overrides the schedule this long (the uCIFI "manual override default duration" idea). */
const OVERRIDE_MS = 3_600_000;

/**
 * Streetlight controller: 3416 lamp controller, 3418 electrical monitor, 3419 photocell, 3430 position, 3410 device
 * extension. A Write of the 3416 Command (resource 1) sets the dimming level at once, as a real controller does.
 */
export class StreetlightBehaviour implements DeviceBehaviour {
  readonly reportPaths: readonly Lwm2mPath[];
  private readonly nominalWatts: number;
  private overrideLevel: number | undefined;
  private overrideUntil = 0;
  private failed = false;
  /** uCIFI 3452-3458 engine, for vendors that announce a Program Manager: a commissioned program drives the lamp. */
  private program: ProgramController | undefined;

  constructor(private readonly ctx: BehaviourContext) {
    const v = ctx.values;
    this.reportPaths = ['/3416/0/3', '/3416/0/5', '/3418/0/4', '/3418/0/6', '/3419/0/3'].map((p) =>
      v.path(p),
    );
    this.nominalWatts = ctx.rnd.pick([40, 60, 80, 100, 120]);
  }

  init(timeMs: number): void {
    const { values: v, rnd, city, index } = this.ctx;
    v.put('/3410/0/1', `0${rnd.int(100000000000, 999999999999)}`);
    v.put('/3410/0/2', this.ctx.vendor.vendor);
    v.put('/3410/0/9', rnd.int(1000, 40000));
    v.put('/3416/0/4', 100);
    v.put('/3416/0/5', false);
    v.put('/3416/0/15', rnd.int(2000, 30000));
    v.put('/3416/0/18', rnd.int(500, 9000));
    v.put('/3416/0/36', this.nominalWatts);
    v.put('/3418/0/6', rnd.between(50, 900) * this.energyFactor());
    v.put('/3418/0/3', 50);
    v.put('/3419/0/1', 30);
    v.put('/3419/0/2', 50);
    // Lamps line the streets around the centre: a spiral keeps neighbours close and the plan deterministic.
    const angle = index * 0.5;
    const radius = 0.002 * Math.sqrt(index + 1);
    v.put('/3430/0/1', city.latitude + radius * Math.sin(angle));
    v.put('/3430/0/2', city.longitude + radius * Math.cos(angle));
    v.put('/3430/0/0', timeMs / 1000);
    v.put('/3430/0/28', 'fix');
    this.program = ProgramController.adopt(v.tree, city, cityTimeZone(city.tenant, city.utcOffsetHours));
    v.tree.onWrite((path, value) => {
      if (path.objectId === 3416 && path.resourceId === 1 && typeof value === 'number') {
        this.overrideLevel = Math.max(0, Math.min(100, value));
        this.overrideUntil = Date.now() + OVERRIDE_MS;
        this.apply(Date.now(), 0);
      }
    });
    this.apply(timeMs, 0);
  }

  tick(timeMs: number, dtSeconds: number): void {
    this.apply(timeMs, dtSeconds);
  }

  inject(event: InjectedEvent, timeMs: number): boolean {
    if (event !== 'lamp-failure') return false;
    this.failed = true;
    this.ctx.values.put('/3416/0/6', 1);
    this.apply(timeMs, 0);
    return true;
  }

  private apply(timeMs: number, dtSeconds: number): void {
    const { values: v, rnd, city } = this.ctx;
    if (this.overrideLevel !== undefined && Date.now() > this.overrideUntil) this.overrideLevel = undefined;
    const hour = localHour(city, timeMs);
    const wanted = this.overrideLevel ?? this.program?.evaluate(timeMs) ?? scheduledLevel(hour);
    const level = this.failed ? 0 : wanted;
    const wasOn = v.num('/3416/0/3') > 0;
    v.put('/3416/0/1', wanted);
    v.put('/3416/0/2', wanted);
    v.put('/3416/0/3', level);
    v.put('/3416/0/5', this.failed);
    if (level > 0 && !wasOn) v.put('/3416/0/18', v.num('/3416/0/18') + 1);
    if (level > 0 && dtSeconds > 0) v.add('/3416/0/15', dtSeconds / 3600);
    const voltage = 230 + rnd.gaussian(0, 1.5);
    // Drivers draw ~1 W in standby; power follows the dimming level with a little noise.
    const watts = level > 0 ? (this.nominalWatts * level) / 100 + rnd.gaussian(0, 0.5) : 1;
    v.put('/3418/0/1', voltage);
    v.put('/3418/0/2', watts / voltage);
    v.put('/3418/0/4', Math.max(0, watts));
    v.put('/3418/0/5', level > 0 ? 0.95 : 0.5);
    if (v.has('/3418/0/35')) v.put('/3418/0/35', level);
    if (dtSeconds > 0) v.add('/3418/0/6', (watts * dtSeconds * this.energyFactor()) / 3600);
    v.put('/3418/0/21', v.num('/3418/0/1') < 207);
    v.put('/3419/0/3', hour >= 17.5 || hour < 7.5);
  }

  /** 3418 v1.0 counts energy in kWh, later versions in Wh. */
  private energyFactor(): number {
    return this.ctx.values.units('/3418/0/6') === 'kWh' ? 0.001 : 1;
  }
}
