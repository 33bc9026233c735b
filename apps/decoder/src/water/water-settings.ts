import { z } from 'zod';
import { isTimeZone, parseClockTime } from './local-time';

const SEVERITY = z.enum(['CRITICAL', 'MAJOR', 'MINOR', 'WARNING']);
const clock = z.string().refine((s) => /^([01]\d|2[0-3]):([0-5]\d)$/.test(s), 'HH:MM');

const nightFlowRule = z
  .object({
    /** A night is suspicious when its minimum flow is above this (m3/h). */
    thresholdM3h: z.number().positive(),
    /** The alarm clears on the first night at or below this (m3/h); default: the threshold. */
    clearM3h: z.number().nonnegative(),
    /** Consecutive suspicious nights that raise the alarm. */
    nights: z.number().int().min(1).max(30),
    severity: SEVERITY,
    enabled: z.boolean(),
  })
  .partial()
  .strict();

/**
 * `tenants.settings -> 'water'`: the tenant's time zone (tenants have no other), the night window, the late-data
 * horizon, the night-flow rule (default, and per device category as devices.category says) and the area rule.
 */
export const waterSettingsSchema = z
  .object({
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone').optional(),
    nightWindow: z.object({ start: clock, end: clock }).strict().optional(),
    /** Nights and days this far back are recomputed on every run (late and out-of-order data). */
    horizonDays: z.number().int().min(1).max(31).optional(),
    /** Two readings further apart than this give no flow (a daily reading says nothing about the night). */
    maxReadingGapMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .optional(),
    nightFlow: nightFlowRule
      .extend({ categories: z.record(z.string(), nightFlowRule).optional() })
      .optional(),
    areas: z
      .object({
        /** Days of normal behaviour the baseline (their median) is taken from. */
        baselineDays: z.number().int().min(1).max(60),
        /** Fewer normal days than this: no baseline, no alarm. */
        minBaselineDays: z.number().int().min(1).max(60),
        /** Night flow alarm: above baseline x ratio and at least minRiseM3h above it. */
        nightFlowRiseRatio: z.number().gt(1),
        nightFlowMinRiseM3h: z.number().nonnegative(),
        /** Loss alarm: non-revenue water % this many points above its baseline. */
        lossRateRisePoints: z.number().positive(),
        severity: SEVERITY,
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export type AlarmSeverityName = z.infer<typeof SEVERITY>;

export interface NightFlowRule {
  readonly thresholdM3h: number;
  readonly clearM3h: number;
  readonly nights: number;
  readonly severity: AlarmSeverityName;
  readonly enabled: boolean;
}

export interface AreaRule {
  readonly baselineDays: number;
  readonly minBaselineDays: number;
  readonly nightFlowRiseRatio: number;
  readonly nightFlowMinRiseM3h: number;
  readonly lossRateRisePoints: number;
  readonly severity: AlarmSeverityName;
}

export interface WaterSettings {
  readonly timeZone: string;
  /** Minutes after local midnight; start > end means the window crosses midnight. */
  readonly nightStartMin: number;
  readonly nightEndMin: number;
  readonly horizonDays: number;
  readonly maxReadingGapMs: number;
  readonly areas: AreaRule;
  /** The night-flow rule of a device category (undefined or unknown category: the tenant default). */
  nightFlowRule(category: string | null | undefined): NightFlowRule;
}

export const DEFAULT_NIGHT_FLOW_RULE: NightFlowRule = {
  // 20 l/h: a dripping cistern or tap; households use ~3 l/h at 02:00-04:00 (EPAL/IWA night-use figures).
  thresholdM3h: 0.02,
  clearM3h: 0.02,
  nights: 3,
  severity: 'MINOR',
  enabled: true,
};

export const DEFAULT_AREA_RULE: AreaRule = {
  baselineDays: 7,
  minBaselineDays: 3,
  nightFlowRiseRatio: 1.5,
  nightFlowMinRiseM3h: 0.1,
  lossRateRisePoints: 10,
  severity: 'MAJOR',
};

export class WaterSettingsError extends Error {
  override readonly name = 'WaterSettingsError';
  readonly code = 'WATER_SETTINGS_INVALID';
}

/** The tenant's water settings with the defaults filled in; `raw` as read from storage. */
export function waterSettings(raw: unknown): WaterSettings {
  const parsed = waterSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new WaterSettingsError(`invalid water settings: ${parsed.error.message}`);
  const s = parsed.data;
  const { categories, ...base } = s.nightFlow ?? {};
  const tenantRule = withClear({ ...DEFAULT_NIGHT_FLOW_RULE, ...base }, base.clearM3h);
  const byCategory = new Map<string, NightFlowRule>();
  for (const [category, rule] of Object.entries(categories ?? {})) {
    byCategory.set(category, withClear({ ...tenantRule, ...rule }, rule.clearM3h ?? base.clearM3h));
  }
  return {
    timeZone: s.timeZone ?? 'UTC',
    nightStartMin: parseClockTime(s.nightWindow?.start ?? '02:00'),
    nightEndMin: parseClockTime(s.nightWindow?.end ?? '04:00'),
    horizonDays: s.horizonDays ?? 3,
    maxReadingGapMs: (s.maxReadingGapMinutes ?? 180) * 60_000,
    areas: { ...DEFAULT_AREA_RULE, ...s.areas },
    nightFlowRule: (category) => (category && byCategory.get(category)) || tenantRule,
  };
}

/** Without its own clear level, a rule clears at its (possibly overridden) threshold. */
function withClear(rule: NightFlowRule, clear: number | undefined): NightFlowRule {
  return { ...rule, clearM3h: Math.min(clear ?? rule.thresholdM3h, rule.thresholdM3h) };
}
