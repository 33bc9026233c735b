/**
 * Energy of a lamp over a schedule preview. Power is taken proportional to the dimming level (LED drivers are close
 * to linear over their dimming range; the standby draw of the controller is not counted): P(level) = Prated *
 * level / 100. Prated is given, or derived from a measurement of uCIFI 3418 Electrical Monitor resource 4 "Active
 * Power" (W) taken at a known dimming level (3416/3 or 3418/35): Prated = P / (level / 100).
 * A linear fade (3456/2 = 1) over d seconds between levels a and b uses (a + b) / 2 during d.
 */
import { type SchedulePreview } from './schedule';

export type PowerBasis =
  { readonly ratedPowerW: number } | { readonly measuredPowerW: number; readonly atLevel: number };

export interface EnergyEstimate {
  readonly kWh: number;
  readonly ratedPowerW: number;
  /** Hours at each level (key: level in %). */
  readonly hoursAtLevel: Readonly<Record<string, number>>;
  /** Hours where no schedule ran (not counted). */
  readonly uncontrolledHours: number;
}

export class EnergyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnergyInputError';
  }
}

export function ratedPowerOf(basis: PowerBasis): number {
  if ('ratedPowerW' in basis) {
    if (!(Number.isFinite(basis.ratedPowerW) && basis.ratedPowerW >= 0)) {
      throw new EnergyInputError('ratedPowerW must be a non-negative number of watts');
    }
    return basis.ratedPowerW;
  }
  if (!(Number.isFinite(basis.measuredPowerW) && basis.measuredPowerW >= 0)) {
    throw new EnergyInputError('the measured power must be a non-negative number of watts');
  }
  if (!(Number.isFinite(basis.atLevel) && basis.atLevel > 0 && basis.atLevel <= 100)) {
    throw new EnergyInputError('a power measured at a dimming level of 0 gives no rated power');
  }
  return basis.measuredPowerW / (basis.atLevel / 100);
}

export function energyEstimate(preview: SchedulePreview, basis: PowerBasis): EnergyEstimate {
  const rated = ratedPowerOf(basis);
  const hoursAtLevel: Record<string, number> = {};
  let uncontrolledMs = 0;
  let levelMs = 0; // integral of level (%) over time (ms)
  const segments: { from: number; to: number; level: number | null }[] = [];
  let t = preview.from;
  let level = preview.initial.level;
  for (const c of preview.changes) {
    segments.push({ from: t, to: c.at, level });
    t = c.at;
    level = c.level;
  }
  segments.push({ from: t, to: preview.to, level });
  for (const s of segments) {
    const ms = s.to - s.from;
    if (s.level === null) {
      uncontrolledMs += ms;
      continue;
    }
    hoursAtLevel[String(s.level)] = (hoursAtLevel[String(s.level)] ?? 0) + ms / 3600_000;
    levelMs += s.level * ms;
  }
  // Linear fades: during the fade the level moves from previous to new; the step model counted the new level.
  for (const c of preview.changes) {
    if (c.fadeSeconds <= 0 || c.level === null || c.previous === null) continue;
    const fadeMs = Math.min(c.fadeSeconds * 1000, preview.to - c.at);
    levelMs += ((c.previous - c.level) / 2) * fadeMs;
  }
  const kWh = (rated * (levelMs / 100)) / 3600_000 / 1000;
  return {
    kWh: Math.round(kWh * 1e6) / 1e6,
    ratedPowerW: rated,
    hoursAtLevel,
    uncontrolledHours: uncontrolledMs / 3600_000,
  };
}
