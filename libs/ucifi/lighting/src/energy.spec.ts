import { EnergyInputError, energyEstimate, ratedPowerOf } from './energy';
import { type SchedulePreview } from './schedule';

const H = 3600_000;
const preview = (changes: SchedulePreview['changes'], initial: number | null = 0): SchedulePreview => ({
  from: 0,
  to: 10 * H,
  initial: { level: initial, schedule: initial === null ? null : 's' },
  changes,
});
const change = (hour: number, level: number | null, previous: number | null, fadeSeconds = 0) => ({
  at: hour * H,
  level,
  previous,
  schedule: 's',
  fadeSeconds,
});

describe('energyEstimate', () => {
  it('integrates the level over time: 100 W, 4 h at 100 % and 4 h at 30 % = 0.52 kWh', () => {
    const e = energyEstimate(preview([change(2, 100, 0), change(6, 30, 100)]), { ratedPowerW: 100 });
    // 0-2 h at 0 %, 2-6 h at 100 %, 6-10 h at 30 %: 0.4 + 0.12 kWh
    expect(e.kWh).toBeCloseTo(0.52, 6);
    expect(e.hoursAtLevel).toEqual({ '0': 2, '100': 4, '30': 4 });
    expect(e.uncontrolledHours).toBe(0);
  });

  it('counts a linear fade at the mean of both levels', () => {
    const e = energyEstimate(preview([change(2, 100, 0, 3600)]), { ratedPowerW: 100 });
    // 8 h at 100 %, minus half of the first hour: 0.8 - 0.05
    expect(e.kWh).toBeCloseTo(0.75, 6);
  });

  it('derives the rated power from a 3418 active power measured at a dimming level', () => {
    expect(ratedPowerOf({ measuredPowerW: 45, atLevel: 50 })).toBe(90);
    const e = energyEstimate(preview([], 100), { measuredPowerW: 45, atLevel: 50 });
    expect(e.kWh).toBeCloseTo(0.9, 6);
    expect(e.ratedPowerW).toBe(90);
  });

  it('does not count hours where no schedule runs', () => {
    const e = energyEstimate(preview([change(5, 100, null)], null), { ratedPowerW: 100 });
    expect(e.uncontrolledHours).toBe(5);
    expect(e.kWh).toBeCloseTo(0.5, 6);
  });

  it.each([
    [{ ratedPowerW: -1 }],
    [{ measuredPowerW: 10, atLevel: 0 }],
    [{ measuredPowerW: Number.NaN, atLevel: 50 }],
  ])('refuses a power basis it cannot use %o', (basis) => {
    expect(() => energyEstimate(preview([]), basis)).toThrow(EnergyInputError);
  });
});
