import { planFleet } from './fleet-plan';
import { DEVICE_TYPES } from './device-types';

describe('planFleet', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    const summary = (seed: number) =>
      planFleet(50, 'lyon-', seed).map((d) => `${d.endpoint}/${d.vendor.model}`);
    expect(summary(42)).toEqual(summary(42));
    expect(summary(42)).not.toEqual(summary(7));
  });

  it('covers every family once before following the mix, with per-family endpoint numbers', () => {
    const plan = planFleet(12, 'porto-', 1);
    expect(new Set(plan.slice(0, DEVICE_TYPES.length).map((d) => d.type)).size).toBe(DEVICE_TYPES.length);
    const streetlights = plan.filter((d) => d.type === 'streetlight').map((d) => d.endpoint);
    expect(streetlights[0]).toBe('porto-sl-0001');
    expect(new Set(plan.map((d) => d.endpoint)).size).toBe(12);
  });

  it('mixes vendor profiles, so some devices run older object versions', () => {
    const plan = planFleet(400, 'x-', 3).filter((d) => d.type === 'streetlight');
    const versions = new Set(plan.map((d) => d.vendor.objects[3416]));
    expect(versions).toEqual(new Set(['1.0', '2.0']));
  });
});
