import { DEFAULT_DISTRICT, DistrictModel } from './district-model';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

const model = () =>
  new DistrictModel({
    ...DEFAULT_DISTRICT,
    startMs: T0,
    networkLeak: { fromMs: T0 + 5 * 24 * H, m3h: 1 },
    growingLeak: { meter: 7, fromMs: T0 + 2 * 24 * H, m3hPerDay: 0.01 },
  });

/** Volume through a meter between two instants, from the readings. */
function through(
  readings: ReturnType<DistrictModel['advance']>,
  meter: string,
  from: number,
  to: number,
): number {
  const at = (t: number) => readings.find((r) => r.meter === meter && r.timeMs === t)!.volumeM3;
  return at(to) - at(from);
}

describe('simulated district metered area', () => {
  it('has an inlet and 50 customer meters, read every step of its own clock, days in one call', () => {
    const m = model();
    const readings = m.advance(T0 + 10 * 24 * H, H);
    expect(new Set(readings.map((r) => r.meter)).size).toBe(51);
    expect(readings).toHaveLength(51 * 240);
    expect(m.clockMs).toBe(T0 + 10 * 24 * H);
  });

  it('inflow - billed is the network loss: the base loss, then the injected leak', () => {
    const r = model().advance(T0 + 10 * 24 * H, H);
    const customers = Array.from({ length: 50 }, (_, i) => DistrictModel.meterName(i));
    const nrw = (day: number) => {
      const [a, b] = [T0 + day * 24 * H, T0 + (day + 1) * 24 * H];
      return through(r, 'inlet', a, b) - customers.reduce((s, c) => s + through(r, c, a, b), 0);
    };
    expect(nrw(1)).toBeCloseTo(24 * 0.05, 1);
    expect(nrw(6)).toBeCloseTo(24 * 1.05, 1);
  });

  it("the growing meter's night flow rises day by day; the others stay at household night use", () => {
    const m = model();
    const night = (i: number, day: number) => m.customerFlow(i, T0 + day * 24 * H + 3 * H);
    expect(night(7, 1)).toBeLessThan(0.02);
    expect(night(7, 2)).toBeLessThan(night(7, 3));
    expect(night(7, 4)).toBeGreaterThan(0.02);
    for (const i of [0, 1, 2, 49]) expect(night(i, 9)).toBeLessThan(0.02);
  });
});
