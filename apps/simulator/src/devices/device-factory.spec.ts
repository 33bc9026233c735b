import { Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { SeededRandom } from '../random/seeded-random';
import { scheduledLevel } from './behaviours/streetlight.behaviour';
import { householdFlow } from './behaviours/water-meter.behaviour';
import { cityProfile } from './city-profile';
import { createDevice, type SimulatedDevice } from './device-factory';
import { type DeviceType } from './device-types';
import { VENDOR_PROFILES } from './vendor-profiles';

const registry = loadBundledRegistry();
const lyon = cityProfile('lyon');
// 2026-11-25 20:00 local time in Lyon (UTC+1)
const EVENING = Date.UTC(2026, 10, 25, 19, 0, 0);
const p = Lwm2mPath.parse;

function device(type: DeviceType, vendorIndex = 0, seed = 'x', time = EVENING): SimulatedDevice {
  const vendor = VENDOR_PROFILES[type][vendorIndex];
  if (!vendor) throw new Error('no vendor');
  return createDevice(
    { endpoint: `lyon-${type}`, type, vendor, index: 3 },
    registry,
    new SeededRandom(seed),
    lyon,
    time,
    300,
  );
}

const dump = (d: SimulatedDevice) =>
  d.tree
    .objectIds()
    .flatMap((o) =>
      d.tree.read(new Lwm2mPath(o)).map((r: Lwm2mRecord) => `${r.path.toString()}=${String(r.value)}`),
    );

describe('simulated devices', () => {
  it.each([
    [12, 0],
    [20, 100],
    [23.5, 50],
    [3, 50],
    [6, 100],
  ])('schedules streetlights at %s h to %s %%', (hour, level) => {
    expect(scheduledLevel(hour)).toBe(level);
  });

  it('builds every family with every vendor profile from the uCIFI models', () => {
    for (const [type, vendors] of Object.entries(VENDOR_PROFILES)) {
      vendors.forEach((_v, i) => {
        const d = device(type as DeviceType, i);
        expect(d.tree.read(p('/3/0')).length).toBeGreaterThan(5);
        for (const path of d.behaviour.reportPaths) expect(d.tree.has(path)).toBe(true);
      });
    }
  });

  it('is deterministic: same seed and times, same values; another seed, other values', () => {
    const run = (seed: string) => {
      const d = device('water-meter', 0, seed);
      for (let i = 1; i <= 10; i++) d.behaviour.tick(EVENING + i * 60_000, 60);
      return dump(d);
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });

  it('accumulates water volume with the household profile, and a leak raises the leak flags', () => {
    const d = device('water-meter');
    const before = d.values.num('/3424/0/1');
    d.behaviour.tick(EVENING + 3_600_000, 3600);
    const used = d.values.num('/3424/0/1') - before;
    expect(used).toBeGreaterThan(householdFlow(21) * 0.4);
    expect(used).toBeLessThan(householdFlow(21) * 1.6);
    expect(d.values.bool('/3424/0/10')).toBe(false);
    expect(d.behaviour.inject('leak', EVENING)).toBe(true);
    expect(d.values.bool('/3424/0/9')).toBe(true);
    expect(d.values.bool('/3424/0/10')).toBe(true);
    expect(d.behaviour.inject('full-bin', EVENING)).toBe(false);
  });

  it('applies a dimming command written to 3416 Command to the reported dimming level and power', () => {
    const d = device('streetlight');
    expect(d.values.num('/3416/0/3')).toBe(100);
    const before = d.values.num('/3418/0/4');
    d.tree.write(p('/3416/0/1'), [{ path: p('/3416/0/1'), type: 'integer', value: 30 }], 'replace');
    expect(d.values.num('/3416/0/3')).toBe(30);
    expect(d.values.num('/3418/0/4')).toBeLessThan(before);
  });

  it('reports a lamp failure as 3416 Lamp failure with the lamp off', () => {
    const d = device('streetlight');
    d.behaviour.inject('lamp-failure', EVENING);
    expect(d.values.bool('/3416/0/5')).toBe(true);
    expect(d.values.num('/3416/0/3')).toBe(0);
  });

  it('counts energy in the unit of the object version (3418 1.0 kWh, 2.x Wh)', () => {
    const modern = device('streetlight', 0);
    const legacy = device('streetlight', 1);
    expect(modern.values.units('/3418/0/6')).toBe('Wh');
    expect(legacy.values.units('/3418/0/6')).toBe('kWh');
    const gain = (d: SimulatedDevice) => {
      const e0 = d.values.num('/3418/0/6');
      d.behaviour.tick(EVENING + 3_600_000, 3600);
      return d.values.num('/3418/0/6') - e0;
    };
    expect(gain(modern) / gain(legacy)).toBeGreaterThan(200);
  });

  it('fills waste bins slowly, and a full-bin event sets "container full"', () => {
    const d = device('waste-bin');
    const f0 = d.values.num('/3435/0/2');
    d.behaviour.tick(EVENING + 3_600_000, 3600);
    const f1 = d.values.num('/3435/0/2');
    expect(f1 - f0).toBeGreaterThan(0.4);
    expect(f1 - f0).toBeLessThan(3.1);
    d.behaviour.inject('full-bin', EVENING);
    expect(d.values.bool('/3435/0/5')).toBe(true);
  });

  it('changes parking occupancy over a day', () => {
    const d = device('parking');
    const states = new Set<boolean>();
    for (let i = 1; i <= 24 * 60; i++) {
      d.behaviour.tick(EVENING + i * 60_000, 60);
      states.add(d.values.bool('/3431/0/1'));
    }
    expect(states).toEqual(new Set([true, false]));
  });
});

describe('cumulative meters', () => {
  it('advance by increments smaller than their reported precision (litres per tick add up)', () => {
    // 5 s ticks through one night hour: each adds far less than the 1 litre the meter reports.
    const night = Date.UTC(2026, 10, 25, 2, 0, 0);
    const meter = device('water-meter', 0, 'night', night);
    const start = meter.values.num('/3424/0/1');
    for (let i = 1; i <= 720; i++) meter.behaviour.tick(night + i * 5000, 5);
    expect(meter.values.num('/3424/0/1')).toBeGreaterThan(start + 0.001);
  });
});
