import { waterAreaAlarmPath } from '@smartcity/platform-contracts';
import { type MeterSeries, type VolumeReading } from './meter-readings';
import {
  AREA_LOSS_RATE_RISE,
  AREA_NIGHT_FLOW_RISE,
  type AreaDay,
  areaDay,
  areaTransitions,
  meterVolume,
} from './water-balance';
import { waterSettings } from './water-settings';

const H = 3_600_000;
const settings = waterSettings({ timeZone: 'UTC', maxReadingGapMinutes: 180 });
const at = (iso: string) => Date.parse(iso);
const meter = (deviceId: string, volumes: VolumeReading[]): MeterSeries => ({
  deviceId,
  volumes,
  minFlows: [],
});

describe('daily water balance of an area', () => {
  // Hand-computed fixture, day 2026-11-20 (UTC):
  //  inlet: 1000.0 at 19th 23:00, 1002.0 at 20th 01:00 -> 1001.0 at midnight (interpolated);
  //         1010.5 at 20th 23:00, 1011.5 at 21st 01:00 -> 1011.0 at midnight; inflow 10.0 m3.
  //  m1: 50.0 at 00:00 and 54.0 at 24:00 -> 4.0 m3; m2: 10.0 at 00:00, 14.5 at 24:00 -> 4.5 m3.
  //  billed 8.5, NRW 1.5 m3 = 15 %.
  const inlet = meter('in', [
    { time: at('2026-11-19T23:00:00Z'), volume: 1000 },
    { time: at('2026-11-20T01:00:00Z'), volume: 1002 },
    { time: at('2026-11-20T23:00:00Z'), volume: 1010.5 },
    { time: at('2026-11-21T01:00:00Z'), volume: 1011.5 },
  ]);
  const m1 = meter('m1', [
    { time: at('2026-11-20T00:00:00Z'), volume: 50 },
    { time: at('2026-11-21T00:00:00Z'), volume: 54 },
  ]);
  const m2 = meter('m2', [
    { time: at('2026-11-20T00:00:00Z'), volume: 10 },
    { time: at('2026-11-21T00:00:00Z'), volume: 14.5 },
  ]);

  it('equals the hand computation: inflow, billed, non-revenue water m3 and %', () => {
    const d = areaDay(settings, { areaId: 'a', inlet, members: [m1, m2] }, '2026-11-20', 0.42);
    expect(d).toEqual({
      areaId: 'a',
      day: '2026-11-20',
      inflowM3: 10,
      billedM3: 8.5,
      nrwM3: 1.5,
      nrwPct: 15,
      minNightFlowM3h: 0.42,
      metersReporting: 2,
      metersTotal: 2,
    });
  });

  it('a member without a figure leaves the balance open (no NRW) until its values arrive', () => {
    const late = meter('m2', [{ time: at('2026-11-20T00:00:00Z'), volume: 10 }]);
    const open = areaDay(settings, { areaId: 'a', inlet, members: [m1, late] }, '2026-11-20', undefined);
    expect(open).toMatchObject({
      billedM3: 4,
      nrwM3: null,
      nrwPct: null,
      metersReporting: 1,
      metersTotal: 2,
    });
  });

  it('a late value changes the day it falls in and no other', () => {
    // m1 reports late a reading at 21st 00:00 that corrects its end of day (55 instead of 54).
    const corrected = meter('m1', [m1.volumes[0]!, { time: at('2026-11-21T00:00:00Z'), volume: 55 }]);
    const before = { areaId: 'a', inlet, members: [m1, m2] };
    const after = { areaId: 'a', inlet, members: [corrected, m2] };
    expect(areaDay(settings, after, '2026-11-20', undefined).nrwM3).toBe(0.5);
    expect(areaDay(settings, after, '2026-11-19', undefined)).toEqual(
      areaDay(settings, before, '2026-11-19', undefined),
    );
  });

  it('a volume needs a reading at or around both ends of the day (gap <= the maximum)', () => {
    const sparse = meter('s', [
      { time: at('2026-11-19T20:00:00Z'), volume: 0 },
      { time: at('2026-11-20T04:00:00Z'), volume: 8 },
    ]);
    expect(
      meterVolume(sparse, at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z'), 3 * H),
    ).toBeUndefined();
    expect(meterVolume(sparse, at('2026-11-20T00:00:00Z'), at('2026-11-20T04:00:00Z'), 9 * H)).toBe(4);
  });
});

describe('area alarms against the baseline', () => {
  const ctx = {
    tenantId: 'lyon',
    areaId: 'a1',
    areaName: 'Croix-Rousse',
    inletDeviceId: 'inlet',
    rule: settings.areas,
    settings,
  };
  const days = (rows: readonly [number | null, number | null][]): AreaDay[] =>
    rows.map(([mnf, pct], i) => ({
      areaId: 'a1',
      day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      inflowM3: 100,
      billedM3: pct === null ? null : 100 - pct,
      nrwM3: pct,
      nrwPct: pct,
      minNightFlowM3h: mnf,
      metersReporting: 1,
      metersTotal: 1,
    }));

  it('a leak-free area raises nothing', () => {
    const ts = areaTransitions(
      ctx,
      days([
        [0.5, 8],
        [0.55, 9],
        [0.5, 8.5],
        [0.52, 8],
        [0.48, 9.5],
        [0.5, 8.8],
        [0.53, 9],
      ]),
    );
    expect(ts.filter((t) => t.action === 'raise')).toEqual([]);
  });

  it('raises when the night flow rises above baseline x 1.5 and the loss rate 10 points above its baseline', () => {
    const ts = areaTransitions(
      ctx,
      days([
        [0.5, 8],
        [0.5, 8],
        [0.5, 8],
        [0.5, 8],
        [1.2, 25],
        [1.3, 26],
        [0.5, 8],
      ]),
    );
    const raises = ts.filter((t) => t.action === 'raise');
    expect(raises.map((t) => [t.type, t.details?.['day']])).toEqual([
      [AREA_NIGHT_FLOW_RISE, '2026-11-05'],
      [AREA_LOSS_RATE_RISE, '2026-11-05'],
      [AREA_NIGHT_FLOW_RISE, '2026-11-06'],
      [AREA_LOSS_RATE_RISE, '2026-11-06'],
    ]);
    expect(raises[0]).toMatchObject({
      deviceId: 'inlet',
      path: waterAreaAlarmPath('a1'),
      severity: 'MAJOR',
      details: { areaId: 'a1', baselineM3h: 0.5, limitM3h: 0.75, minNightFlowM3h: 1.2 },
    });
    // The leak days stay out of the baseline: the last day (back to 0.5 / 8 %) clears both.
    const last = ts.filter((t) => t.details?.['day'] === '2026-11-07');
    expect(last.map((t) => [t.action, t.type])).toEqual([
      ['clear', AREA_NIGHT_FLOW_RISE],
      ['clear', AREA_LOSS_RATE_RISE],
    ]);
  });

  it('no baseline (fewer than 3 normal days), no alarm', () => {
    expect(
      areaTransitions(
        ctx,
        days([
          [0.5, 8],
          [0.5, 8],
          [5, 60],
        ]),
      ),
    ).toEqual([]);
  });
});
