import { type AlarmTransition } from '../alarms/alarm-transition';
import { addDays, type LocalDate, localTimeToUtc } from './local-time';
import { intervalFlows, type MeterSeries } from './meter-readings';
import { type NightFlowRule, type WaterSettings } from './water-settings';

/** The alarm type of a leak inferred from the night flow (beside the meters' own leak_suspected, 3424/9). */
export const LEAK_SUSPECTED_FROM_FLOW = 'leak_suspected_from_flow';
/** Source path of the inferred alarm: the meter object, not one of its resources. */
export const NIGHT_FLOW_PATH = '/3424/0';

export interface NightWindow {
  readonly night: LocalDate;
  /** ms, inclusive. */
  readonly start: number;
  /** ms, exclusive. */
  readonly end: number;
}

/** The night window that ends on local date `night` (it starts the day before when it crosses midnight). */
export function nightWindow(settings: WaterSettings, night: LocalDate): NightWindow {
  const startDate = settings.nightStartMin < settings.nightEndMin ? night : addDays(night, -1);
  return {
    night,
    start: localTimeToUtc(settings.timeZone, startDate, settings.nightStartMin),
    end: localTimeToUtc(settings.timeZone, night, settings.nightEndMin),
  };
}

export interface MeterNight {
  readonly deviceId: string;
  readonly night: LocalDate;
  readonly minFlowM3h: number;
  readonly source: 'min_flow' | 'volume';
}

/**
 * A meter's minimum flow over a night window: from the reported minimum flow (3424/7, m3/s) of the rollup hours
 * inside the window when the meter reports it, else the lowest flow between two consecutive volume readings
 * (3424/1) that overlaps the window. Undefined without evidence (no readings, or readings too far apart).
 */
export function meterNight(series: MeterSeries, w: NightWindow, maxGapMs: number): MeterNight | undefined {
  const reported = series.minFlows.filter((s) => s.bucket >= w.start - 3_599_999 && s.bucket < w.end);
  if (reported.length > 0) {
    const min = Math.min(...reported.map((s) => s.minFlow));
    return { deviceId: series.deviceId, night: w.night, minFlowM3h: min * 3600, source: 'min_flow' };
  }
  const flows = intervalFlows(series.volumes, maxGapMs).filter((f) => f.to > w.start && f.from < w.end);
  if (flows.length === 0) return undefined;
  return {
    deviceId: series.deviceId,
    night: w.night,
    minFlowM3h: Math.min(...flows.map((f) => f.flowM3h)),
    source: 'volume',
  };
}

export interface NightFlowContext {
  readonly tenantId: string;
  readonly deviceId: string;
  readonly rule: NightFlowRule;
  readonly settings: WaterSettings;
}

/**
 * The raise/clear transitions a meter's nights ask for, oldest first, in the form every other alarm rule uses
 * (applied idempotently by platform.apply_alarm_transitions). A raise comes at the end of the Nth consecutive
 * night above the threshold, with the nights as evidence; a clear at the end of a night at or below the clear
 * level. Nights in between (above clear, below threshold) and missing nights say nothing, but a missing night
 * restarts the count of consecutive ones. `nights` must be sorted by night.
 */
export function nightFlowTransitions(
  ctx: NightFlowContext,
  nights: readonly Pick<MeterNight, 'night' | 'minFlowM3h'>[],
): AlarmTransition[] {
  const { rule } = ctx;
  if (!rule.enabled) return [];
  const out: AlarmTransition[] = [];
  let streak: Pick<MeterNight, 'night' | 'minFlowM3h'>[] = [];
  for (const n of nights) {
    const end = nightWindow(ctx.settings, n.night).end;
    if (n.minFlowM3h > rule.thresholdM3h) {
      const prev = streak[streak.length - 1];
      streak = prev && addDays(prev.night, 1) === n.night ? [...streak, n] : [n];
      if (streak.length >= rule.nights) {
        const evidence = streak.slice(-rule.nights);
        out.push({
          action: 'raise',
          tenantId: ctx.tenantId,
          deviceId: ctx.deviceId,
          type: LEAK_SUSPECTED_FROM_FLOW,
          severity: rule.severity,
          timeSec: end / 1000,
          path: NIGHT_FLOW_PATH,
          message: `night flow above ${rule.thresholdM3h} m3/h for ${rule.nights} consecutive nights`,
          details: {
            thresholdM3h: rule.thresholdM3h,
            consecutiveNights: rule.nights,
            nights: evidence.map((e) => ({ night: e.night, minFlowM3h: round6(e.minFlowM3h) })),
          },
        });
      }
      continue;
    }
    streak = [];
    if (n.minFlowM3h <= rule.clearM3h) {
      out.push({
        action: 'clear',
        tenantId: ctx.tenantId,
        deviceId: ctx.deviceId,
        type: LEAK_SUSPECTED_FROM_FLOW,
        severity: rule.severity,
        timeSec: end / 1000,
        path: NIGHT_FLOW_PATH,
        details: { night: n.night, minFlowM3h: round6(n.minFlowM3h) },
      });
    }
  }
  return out;
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
