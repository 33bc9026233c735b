import { DEFAULT_DISTRICT, type DistrictOptions } from './district-model';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The simulator's district options (config/cli-args.ts), as given on the command line. */
export interface DistrictArgs {
  readonly tenant: string;
  readonly customers: number;
  readonly seed: number;
  readonly endpointPrefix?: string;
  readonly days: number;
  readonly leakDays: number;
  readonly leakM3h: number;
  /** -1: none; undefined: meter 7, or the last one of a smaller district. */
  readonly growingMeter?: number;
  readonly replayMsPerDay: number;
}

export interface DistrictPlan {
  readonly endpointPrefix: string;
  readonly district: DistrictOptions;
  /** One reading an hour, a Send a simulated day: the decoder's hourly rollups get one reading each. */
  readonly readingStepMs: number;
  readonly readingsPerSend: number;
  readonly replayPauseMs: number;
}

/**
 * The district the simulator runs at wall time `nowMs`: its clock starts `days` before now (on the hour), the
 * network leak starts `leakDays` before now, the growing meter two days into the history.
 */
export function districtPlan(a: DistrictArgs, nowMs: number): DistrictPlan {
  const end = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const startMs = end - a.days * DAY_MS;
  const growing = a.growingMeter ?? Math.min(7, a.customers - 1);
  return {
    endpointPrefix: a.endpointPrefix ?? `${a.tenant}-dma-`,
    district: {
      ...DEFAULT_DISTRICT,
      customers: a.customers,
      seed: `district:${a.seed}`,
      startMs,
      ...(a.leakDays > 0 ? { networkLeak: { fromMs: end - a.leakDays * DAY_MS, m3h: a.leakM3h } } : {}),
      ...(growing >= 0
        ? { growingLeak: { meter: growing, fromMs: startMs + 2 * DAY_MS, m3hPerDay: 0.01 } }
        : {}),
    },
    readingStepMs: HOUR_MS,
    readingsPerSend: 24,
    replayPauseMs: a.replayMsPerDay,
  };
}
