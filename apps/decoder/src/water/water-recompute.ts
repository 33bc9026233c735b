import { type AlarmRow } from '../alarms/alarm.sql';
import { type AlarmTransition } from '../alarms/alarm-transition';
import { addDays } from './local-time';
import { type MeterSeries } from './meter-readings';
import {
  LEAK_SUSPECTED_FROM_FLOW,
  type MeterNight,
  meterNight,
  nightFlowTransitions,
  nightWindow,
} from './night-flow';
import { transitionsToApply } from './water-alarms';
import {
  AREA_LOSS_RATE_RISE,
  AREA_NIGHT_FLOW_RISE,
  type AreaDay,
  areaDay,
  areaTransitions,
} from './water-balance';
import { recomputePlan } from './water-horizon';
import { type WaterArea, type WaterRepository } from './water.repository';
import { type WaterSettings, waterSettings } from './water-settings';

export interface TenantWaterOutcome {
  readonly meters: number;
  readonly nights: number;
  readonly areaDays: number;
  readonly alarms: readonly AlarmRow[];
}

const NOTHING: TenantWaterOutcome = { meters: 0, nights: 0, areaDays: 0, alarms: [] };
/** Devices per rollup query (one ANY array each). */
const SERIES_CHUNK = 500;

/**
 * One tenant's run, inside its transaction: the meter nights and area days of the late-data horizon that rollup
 * hours written since the last run touch (all of them when an area changed) recomputed from the hourly rollups and
 * upserted, then the alarm rules evaluated over the stored nights and days (the recomputed ones plus the history a
 * rule looks back on: a streak of nights, a baseline of days) and the new transitions applied. Nothing pending:
 * nothing read but the marks. Throws WaterSettingsError when the tenant's settings are invalid.
 */
export async function recomputeTenant(
  repo: WaterRepository,
  tenant: string,
  now: number,
): Promise<TenantWaterOutcome> {
  const settings = waterSettings(await repo.settings(tenant));
  const pending = await repo.pendingHours(tenant);
  const areas = await repo.areas(tenant);
  const plan = recomputePlan(
    settings,
    now,
    pending.map((p) => p.bucket),
    areas.some((a) => a.needsRecompute),
  );
  if (!plan) return NOTHING;
  const consumed = new Set(plan.consumed);
  const done = pending.filter((p) => consumed.has(p.bucket));
  if (plan.nights.length === 0) {
    await repo.markDone(tenant, done, areas);
    return NOTHING;
  }
  const meters = await repo.meters(tenant);
  const ids = [...new Set([...meters.keys(), ...areas.flatMap((a) => [a.inletDeviceId, ...a.memberIds])])];
  const series = new Map<string, MeterSeries>();
  for (let i = 0; i < ids.length; i += SERIES_CHUNK) {
    const part = await repo.series(ids.slice(i, i + SERIES_CHUNK), plan.readFrom, plan.readTo);
    for (const [id, s] of part) series.set(id, s);
  }
  const empty = (deviceId: string): MeterSeries =>
    series.get(deviceId) ?? { deviceId, volumes: [], minFlows: [] };

  const windows = plan.nights.map((n) => nightWindow(settings, n));
  const nights: MeterNight[] = [];
  for (const id of ids) {
    for (const w of windows) {
      const n = meterNight(empty(id), w, settings.maxReadingGapMs);
      if (n) nights.push(n);
    }
  }
  await repo.upsertNights(tenant, nights);

  const inletNight = new Map(nights.map((n) => [`${n.deviceId}/${n.night}`, n.minFlowM3h]));
  const days: AreaDay[] = areas.flatMap((a) =>
    plan.days.map((d) =>
      areaDay(
        settings,
        { areaId: a.id, inlet: empty(a.inletDeviceId), members: a.memberIds.map(empty) },
        d,
        inletNight.get(`${a.inletDeviceId}/${d}`),
      ),
    ),
  );
  await repo.upsertAreaDays(tenant, days);

  const transitions = [
    ...(await meterTransitions(repo, tenant, settings, meters, areas, plan.nights[0]!)),
    ...(plan.days.length > 0 ? await areaDayTransitions(repo, tenant, settings, areas, plan.days[0]!) : []),
  ];
  const active = await repo.activeAlarms(tenant, [
    LEAK_SUSPECTED_FROM_FLOW,
    AREA_NIGHT_FLOW_RISE,
    AREA_LOSS_RATE_RISE,
  ]);
  const alarms = await repo.applyAlarms(transitionsToApply(transitions, plan.since, active));
  await repo.markDone(tenant, done, areas);
  return { meters: ids.length, nights: nights.length, areaDays: days.length, alarms };
}

/**
 * The night-flow rule of every customer meter over its stored nights. An area's inlet is a bulk meter: its night
 * flow is the whole district's night use, which the area rule judges against the area's own baseline, so the
 * per-meter threshold does not apply to it.
 */
async function meterTransitions(
  repo: WaterRepository,
  tenant: string,
  settings: WaterSettings,
  meters: ReadonlyMap<string, string | null>,
  areas: readonly WaterArea[],
  firstNight: string,
): Promise<AlarmTransition[]> {
  const inlets = new Set(areas.map((a) => a.inletDeviceId));
  const rules = [...meters]
    .filter(([id]) => !inlets.has(id))
    .map(([id, category]) => ({ id, rule: settings.nightFlowRule(category) }))
    .filter((r) => r.rule.enabled);
  if (rules.length === 0) return [];
  // A streak that ends inside the horizon may have started before it.
  const lookBack = Math.max(...rules.map((r) => r.rule.nights));
  const stored = await repo.nights(tenant, addDays(firstNight, -lookBack));
  return rules.flatMap(({ id, rule }) =>
    nightFlowTransitions({ tenantId: tenant, deviceId: id, rule, settings }, stored.get(id) ?? []),
  );
}

/**
 * The area rules over the stored days. Three baselines' worth of history before the horizon: enough for the
 * days the baseline is taken from to have been judged normal or not the same way as when they were computed.
 */
async function areaDayTransitions(
  repo: WaterRepository,
  tenant: string,
  settings: WaterSettings,
  areas: readonly WaterArea[],
  firstDay: string,
): Promise<AlarmTransition[]> {
  if (areas.length === 0) return [];
  const stored = await repo.areaDays(tenant, addDays(firstDay, -3 * settings.areas.baselineDays));
  return areas.flatMap((a) =>
    areaTransitions(
      {
        tenantId: tenant,
        areaId: a.id,
        areaName: a.name,
        inletDeviceId: a.inletDeviceId,
        rule: {
          ...settings.areas,
          nightFlowRiseRatio: a.nightFlowRiseRatio ?? settings.areas.nightFlowRiseRatio,
          lossRateRisePoints: a.lossRateRisePoints ?? settings.areas.lossRateRisePoints,
        },
        settings,
      },
      stored.get(a.id) ?? [],
    ),
  );
}
