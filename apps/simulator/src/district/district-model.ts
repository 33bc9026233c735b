import { householdFlow } from '../devices/behaviours/water-meter.behaviour';
import { SeededRandom } from '../random/seeded-random';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A district metered area for the water demo and tests (issue 24): one bulk inlet meter and `customers` customer
 * meters (uCIFI 3424), with an injected network leak (water lost between the inlet and the customers, seen only by
 * the balance) and one customer meter whose night flow grows slowly (a leak behind the meter, without the meter's
 * own leak flag). Pure and deterministic for a seed: the time is the caller's (the simulator's own clock).
 */
export interface DistrictOptions {
  readonly customers: number;
  readonly seed: number | string;
  /** Simulated start, ms (UTC hours; the district's night is 00:00-06:00 UTC). */
  readonly startMs: number;
  /** Background loss of the network, m3/h (a healthy district still loses some). */
  readonly baseLossM3h: number;
  /** The network leak: from this instant on, this much more loss (m3/h). */
  readonly networkLeak?: { readonly fromMs: number; readonly m3h: number };
  /** The customer meter (index) whose night flow grows by m3hPerDay each day from fromMs on. */
  readonly growingLeak?: { readonly meter: number; readonly fromMs: number; readonly m3hPerDay: number };
}

export interface MeterReading {
  /** 'inlet' or 'customer-<i>'. */
  readonly meter: string;
  readonly timeMs: number;
  /** Cumulated water volume (3424/1), m3. */
  readonly volumeM3: number;
}

export const DEFAULT_DISTRICT: Omit<DistrictOptions, 'startMs'> = {
  customers: 50,
  seed: 'district',
  baseLossM3h: 0.05,
};

export class DistrictModel {
  private readonly volumes: number[];
  private readonly scale: number[];
  private inlet: number;
  private now: number;

  constructor(private readonly o: DistrictOptions) {
    const rnd = new SeededRandom(o.seed);
    this.volumes = Array.from({ length: o.customers }, () => Math.round(rnd.between(20, 900)));
    // Households differ in size; each keeps its own (the night-flow baseline of a meter is stable).
    this.scale = Array.from({ length: o.customers }, () => rnd.between(0.6, 1.4));
    this.inlet = 10_000;
    this.now = o.startMs;
  }

  static meterName(i: number): string {
    return `customer-${i}`;
  }

  /** Customer i's flow at t, m3/h (the household profile plus its leak, if it is the growing one). */
  customerFlow(i: number, t: number): number {
    const g = this.o.growingLeak;
    const leak =
      g && g.meter === i && t >= g.fromMs ? (Math.floor((t - g.fromMs) / DAY_MS) + 1) * g.m3hPerDay : 0;
    return householdFlow(new Date(t).getUTCHours()) * this.scale[i]! + leak;
  }

  lossFlow(t: number): number {
    const n = this.o.networkLeak;
    return this.o.baseLossM3h + (n && t >= n.fromMs ? n.m3h : 0);
  }

  /** Advances the clock to `toMs` in steps of stepMs and returns every meter's reading at each step. */
  advance(toMs: number, stepMs: number): MeterReading[] {
    const out: MeterReading[] = [];
    while (this.now + stepMs <= toMs) {
      const t = this.now;
      const h = stepMs / HOUR_MS;
      let billed = 0;
      for (let i = 0; i < this.volumes.length; i++) {
        const v = this.customerFlow(i, t) * h;
        this.volumes[i]! += v;
        billed += v;
      }
      this.inlet += billed + this.lossFlow(t) * h;
      this.now = t + stepMs;
      out.push({ meter: 'inlet', timeMs: this.now, volumeM3: round3(this.inlet) });
      this.volumes.forEach((v, i) =>
        out.push({ meter: DistrictModel.meterName(i), timeMs: this.now, volumeM3: round3(v) }),
      );
    }
    return out;
  }

  get clockMs(): number {
    return this.now;
  }
}

/** Litres: what a real register shows (and it keeps the fixtures readable). */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
