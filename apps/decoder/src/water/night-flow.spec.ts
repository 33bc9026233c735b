import { type AlarmTransition } from '../alarms/alarm-transition';
import { type MeterSeries, type VolumeReading } from './meter-readings';
import { LEAK_SUSPECTED_FROM_FLOW, meterNight, nightFlowTransitions, nightWindow } from './night-flow';
import { waterSettings } from './water-settings';

const H = 3_600_000;
const settings = waterSettings({ timeZone: 'Europe/Paris' });
const rule = settings.nightFlowRule(null);
const ctx = { tenantId: 'lyon', deviceId: 'd1', rule, settings };

/** Hourly readings from `fromIso` on, with the given flows (m3/h) for each hour. */
function hourly(fromIso: string, flows: readonly number[], start = 100): VolumeReading[] {
  const t0 = Date.parse(fromIso);
  const out: VolumeReading[] = [{ time: t0, volume: start }];
  let v = start;
  flows.forEach((f, i) => {
    v += f;
    out.push({ time: t0 + (i + 1) * H, volume: v });
  });
  return out;
}

const series = (volumes: VolumeReading[], minFlows: MeterSeries['minFlows'] = []): MeterSeries => ({
  deviceId: 'd1',
  volumes,
  minFlows,
});

describe('night flow of a meter', () => {
  it('the window of a night is 02:00-04:00 local on that date; crossing midnight starts the day before', () => {
    const w = nightWindow(settings, '2026-11-20');
    expect(new Date(w.start).toISOString()).toBe('2026-11-20T01:00:00.000Z');
    expect(new Date(w.end).toISOString()).toBe('2026-11-20T03:00:00.000Z');
    const late = nightWindow(waterSettings({ nightWindow: { start: '23:00', end: '05:00' } }), '2026-11-20');
    expect(new Date(late.start).toISOString()).toBe('2026-11-19T23:00:00.000Z');
  });

  it('is the lowest flow between volume readings overlapping the window (hand-computed)', () => {
    // Readings every hour from 00:00Z (01:00 Paris). Hours 00-01Z 0.1, 01-02Z 0.03, 02-03Z 0.025, 03-04Z 0.2.
    // Window 01:00-03:00Z: the intervals 01-02Z and 02-03Z overlap it: min(0.03, 0.025) = 0.025 m3/h.
    const n = meterNight(
      series(hourly('2026-11-20T00:00:00Z', [0.1, 0.03, 0.025, 0.2])),
      nightWindow(settings, '2026-11-20'),
      3 * H,
    );
    expect(n?.source).toBe('volume');
    expect(n?.minFlowM3h).toBeCloseTo(0.025, 9);
  });

  it('prefers the reported minimum flow (3424/7, m3/s) of the hours inside the window', () => {
    const w = nightWindow(settings, '2026-11-20');
    const n = meterNight(
      series(hourly('2026-11-20T00:00:00Z', [1, 1, 1, 1]), [
        { bucket: w.start - H, minFlow: 0 },
        { bucket: w.start, minFlow: 0.00001 },
        { bucket: w.start + H, minFlow: 0.00002 },
      ]),
      w,
      3 * H,
    );
    expect(n).toMatchObject({ source: 'min_flow' });
    expect(n?.minFlowM3h).toBeCloseTo(0.036, 9);
  });

  it('gives no figure when the readings around the window are too far apart', () => {
    const daily: VolumeReading[] = [
      { time: Date.parse('2026-11-19T12:00:00Z'), volume: 1 },
      { time: Date.parse('2026-11-20T12:00:00Z'), volume: 2 },
    ];
    expect(meterNight(series(daily), nightWindow(settings, '2026-11-20'), 3 * H)).toBeUndefined();
  });

  const nights = (flows: readonly number[], first = '2026-11-01') =>
    flows.map((f, i) => ({
      night: `2026-11-${String(Number(first.slice(8)) + i).padStart(2, '0')}`,
      minFlowM3h: f,
    }));
  const summary = (ts: AlarmTransition[]) =>
    ts.map((t) => `${t.action}@${new Date(t.timeSec * 1000).toISOString().slice(0, 10)}`);

  it('raises after N consecutive nights above the threshold, with the nights as evidence, and clears after', () => {
    const ts = nightFlowTransitions(ctx, nights([0.003, 0.05, 0.06, 0.07, 0.08, 0.004]));
    expect(summary(ts)).toEqual([
      'clear@2026-11-01',
      'raise@2026-11-04',
      'raise@2026-11-05',
      'clear@2026-11-06',
    ]);
    const raise = ts[1]!;
    expect(raise).toMatchObject({ type: LEAK_SUSPECTED_FROM_FLOW, severity: 'MINOR', path: '/3424/0' });
    expect(raise.timeSec * 1000).toBe(Date.parse('2026-11-04T03:00:00Z'));
    expect(raise.details).toMatchObject({
      thresholdM3h: 0.02,
      consecutiveNights: 3,
      nights: [
        { night: '2026-11-02', minFlowM3h: 0.05 },
        { night: '2026-11-03', minFlowM3h: 0.06 },
        { night: '2026-11-04', minFlowM3h: 0.07 },
      ],
    });
  });

  it('a missing night restarts the count; a leak-free meter raises nothing', () => {
    const gap = [
      { night: '2026-11-01', minFlowM3h: 0.05 },
      { night: '2026-11-02', minFlowM3h: 0.05 },
      { night: '2026-11-04', minFlowM3h: 0.05 },
      { night: '2026-11-05', minFlowM3h: 0.05 },
    ];
    expect(nightFlowTransitions(ctx, gap).filter((t) => t.action === 'raise')).toEqual([]);
    const healthy = nightFlowTransitions(ctx, nights([0.003, 0.004, 0.0045, 0.002, 0.003, 0.004, 0.0]));
    expect(healthy.every((t) => t.action === 'clear')).toBe(true);
  });

  it('a band between clear level and threshold neither raises nor clears', () => {
    const hyst = { ...ctx, rule: { ...rule, clearM3h: 0.01 } };
    const ts = nightFlowTransitions(hyst, nights([0.05, 0.05, 0.05, 0.015, 0.009]));
    expect(summary(ts)).toEqual(['raise@2026-11-03', 'clear@2026-11-05']);
  });
});
