import { waterAreaAlarmPath } from '@smartcity/platform-contracts';
import { type AlarmTransition } from '../alarms/alarm-transition';
import { addDays, type LocalDate, localTimeToUtc } from './local-time';
import { type MeterSeries, volumeAt } from './meter-readings';
import { nightWindow, round6 } from './night-flow';
import { type AreaRule, type WaterSettings } from './water-settings';

export const AREA_NIGHT_FLOW_RISE = 'area_night_flow_rise';
export const AREA_LOSS_RATE_RISE = 'area_loss_rate_rise';

export interface AreaDay {
  readonly areaId: string;
  readonly day: LocalDate;
  /** m3 through the inlet meter over the local day. */
  readonly inflowM3: number | null;
  /** m3 through the customer meters that have a figure for the day. */
  readonly billedM3: number | null;
  /** Non-revenue water, inflow - billed; only when every member meter has a figure. */
  readonly nrwM3: number | null;
  readonly nrwPct: number | null;
  /** The inlet's minimum night flow of the night ending that day, m3/h. */
  readonly minNightFlowM3h: number | null;
  readonly metersReporting: number;
  readonly metersTotal: number;
}

export interface AreaInput {
  readonly areaId: string;
  readonly inlet: MeterSeries;
  readonly members: readonly MeterSeries[];
}

/** A meter's volume over [start, end) from its cumulative readings, undefined without a figure at both ends. */
export function meterVolume(
  series: MeterSeries,
  start: number,
  end: number,
  maxGapMs: number,
): number | undefined {
  const a = volumeAt(series.volumes, start, maxGapMs);
  const b = volumeAt(series.volumes, end, maxGapMs);
  if (a === undefined || b === undefined || b < a) return undefined;
  return b - a;
}

/** The water balance of an area on a local day (IWA water balance: system input - billed = non-revenue water). */
export function areaDay(
  settings: WaterSettings,
  area: AreaInput,
  day: LocalDate,
  inletNightFlowM3h: number | undefined,
): AreaDay {
  const start = localTimeToUtc(settings.timeZone, day, 0);
  const end = localTimeToUtc(settings.timeZone, addDays(day, 1), 0);
  const inflow = meterVolume(area.inlet, start, end, settings.maxReadingGapMs);
  let billed = 0;
  let reporting = 0;
  for (const m of area.members) {
    const v = meterVolume(m, start, end, settings.maxReadingGapMs);
    if (v === undefined) continue;
    billed += v;
    reporting++;
  }
  const complete = inflow !== undefined && reporting === area.members.length;
  const nrw = complete ? inflow - billed : null;
  return {
    areaId: area.areaId,
    day,
    inflowM3: inflow === undefined ? null : round6(inflow),
    billedM3: reporting > 0 ? round6(billed) : null,
    nrwM3: nrw === null ? null : round6(nrw),
    nrwPct: nrw === null || !inflow ? null : round6((nrw / inflow) * 100),
    minNightFlowM3h: inletNightFlowM3h === undefined ? null : round6(inletNightFlowM3h),
    metersReporting: reporting,
    metersTotal: area.members.length,
  };
}

export interface AreaAlarmContext {
  readonly tenantId: string;
  readonly areaId: string;
  readonly areaName: string;
  readonly inletDeviceId: string;
  readonly rule: AreaRule;
  readonly settings: WaterSettings;
}

/**
 * Raise/clear transitions of an area's two alarms over its days (sorted, oldest first). Each day is compared with
 * the median of the previous `baselineDays` normal days: days that were themselves above the limit do not enter the
 * baseline, so a lasting leak does not become normal after a week. Night flow: above baseline x ratio and at least
 * minRise above it; loss rate: lossRateRisePoints above its baseline. Back within the limit clears.
 */
export function areaTransitions(ctx: AreaAlarmContext, days: readonly AreaDay[]): AlarmTransition[] {
  const nightNormal: { day: LocalDate; v: number }[] = [];
  const lossNormal: { day: LocalDate; v: number }[] = [];
  const out: AlarmTransition[] = [];
  const r = ctx.rule;
  for (const d of days) {
    if (d.minNightFlowM3h !== null) {
      const base = baseline(nightNormal, d.day, r);
      const limit =
        base === undefined ? undefined : Math.max(base * r.nightFlowRiseRatio, base + r.nightFlowMinRiseM3h);
      const time = nightWindow(ctx.settings, d.day).end / 1000;
      if (limit !== undefined && d.minNightFlowM3h > limit) {
        out.push(
          transition(ctx, 'raise', AREA_NIGHT_FLOW_RISE, time, {
            day: d.day,
            minNightFlowM3h: d.minNightFlowM3h,
            baselineM3h: round6(base!),
            limitM3h: round6(limit),
          }),
        );
      } else {
        nightNormal.push({ day: d.day, v: d.minNightFlowM3h });
        if (limit !== undefined)
          out.push(transition(ctx, 'clear', AREA_NIGHT_FLOW_RISE, time, { day: d.day }));
      }
    }
    if (d.nrwPct !== null) {
      const base = baseline(lossNormal, d.day, r);
      const limit = base === undefined ? undefined : base + r.lossRateRisePoints;
      const time = localTimeToUtc(ctx.settings.timeZone, addDays(d.day, 1), 0) / 1000;
      if (limit !== undefined && d.nrwPct > limit) {
        out.push(
          transition(ctx, 'raise', AREA_LOSS_RATE_RISE, time, {
            day: d.day,
            nrwPct: d.nrwPct,
            nrwM3: d.nrwM3,
            baselinePct: round6(base!),
            limitPct: round6(limit),
          }),
        );
      } else {
        lossNormal.push({ day: d.day, v: d.nrwPct });
        if (limit !== undefined)
          out.push(transition(ctx, 'clear', AREA_LOSS_RATE_RISE, time, { day: d.day }));
      }
    }
  }
  return out;
}

/** Median of the normal values of the baselineDays before `day`; undefined with fewer than minBaselineDays. */
function baseline(
  normal: readonly { day: LocalDate; v: number }[],
  day: LocalDate,
  r: AreaRule,
): number | undefined {
  const from = addDays(day, -r.baselineDays);
  const values = normal
    .filter((n) => n.day >= from && n.day < day)
    .map((n) => n.v)
    .sort((a, b) => a - b);
  if (values.length < r.minBaselineDays) return undefined;
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

function transition(
  ctx: AreaAlarmContext,
  action: 'raise' | 'clear',
  type: string,
  timeSec: number,
  details: Record<string, unknown>,
): AlarmTransition {
  return {
    action,
    tenantId: ctx.tenantId,
    deviceId: ctx.inletDeviceId,
    type,
    severity: ctx.rule.severity,
    timeSec,
    // Area alarms sit on the inlet meter's device, one source path per area (one active alarm per type and area).
    path: waterAreaAlarmPath(ctx.areaId),
    ...(action === 'raise' && {
      message:
        type === AREA_NIGHT_FLOW_RISE
          ? `minimum night flow of area ${ctx.areaName} above its baseline`
          : `non-revenue water of area ${ctx.areaName} above its baseline`,
    }),
    details: { areaId: ctx.areaId, area: ctx.areaName, ...details },
  };
}
