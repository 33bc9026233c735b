import { districtEndpoints } from './district-fleet';
import { districtPlan } from './district-options';

const H = 3_600_000;
const NOW = Date.parse('2026-12-06T21:40:12Z');
const args = {
  tenant: 'lyon',
  customers: 50,
  seed: 1,
  days: 14,
  leakDays: 5,
  leakM3h: 2,
  growingMeter: 7,
  replayMsPerDay: 200,
};

describe('districtPlan', () => {
  it('replays the days asked up to the last full hour, the leak starting that many days ago', () => {
    const p = districtPlan(args, NOW);
    const end = Date.parse('2026-12-06T21:00:00Z');
    expect(p.endpointPrefix).toBe('lyon-dma-');
    expect(p.district.startMs).toBe(end - 14 * 24 * H);
    expect(p.district.customers).toBe(50);
    expect(p.district.networkLeak).toEqual({ fromMs: end - 5 * 24 * H, m3h: 2 });
    expect(p.district.growingLeak).toEqual({
      meter: 7,
      fromMs: p.district.startMs + 48 * H,
      m3hPerDay: 0.01,
    });
    expect(p.readingStepMs * p.readingsPerSend).toBe(24 * H);
  });

  it('has no leak with 0 leak days and no growing meter with -1', () => {
    const p = districtPlan({ ...args, leakDays: 0, growingMeter: -1, endpointPrefix: 'x-' }, NOW);
    expect(p.district.networkLeak).toBeUndefined();
    expect(p.district.growingLeak).toBeUndefined();
    expect(p.endpointPrefix).toBe('x-');
  });

  it('picks meter 7 to grow, or the last meter of a smaller district', () => {
    const { growingMeter: _, ...rest } = args;
    expect(districtPlan(rest, NOW).district.growingLeak?.meter).toBe(7);
    expect(districtPlan({ ...rest, customers: 3 }, NOW).district.growingLeak?.meter).toBe(2);
  });

  it('names the inlet first, then the customer meters', () => {
    expect(districtEndpoints('lyon-dma-', 2)).toEqual([
      'lyon-dma-inlet',
      'lyon-dma-customer-0',
      'lyon-dma-customer-1',
    ]);
  });
});
