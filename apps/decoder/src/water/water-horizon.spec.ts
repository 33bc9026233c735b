import { recomputePlan } from './water-horizon';
import { waterSettings } from './water-settings';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
// UTC, night 02:00-04:00, horizon 3 days, reading gap 3 h (the defaults).
const settings = waterSettings({});
const NOW = at('2026-11-20T10:30:00Z');

describe('what a run of the water job recomputes', () => {
  it('nothing pending and no area changed: nothing to do', () => {
    expect(recomputePlan(settings, NOW, [])).toBeUndefined();
  });

  it('a late hour at noon recomputes that day and its night only, and its mark is done', () => {
    const plan = recomputePlan(settings, NOW, [at('2026-11-18T12:00:00Z')])!;
    expect(plan.days).toEqual(['2026-11-18']);
    expect(plan.nights).toEqual(['2026-11-18']);
    expect(plan.consumed).toEqual([at('2026-11-18T12:00:00Z')]);
    // Reads the day and its night with the reading gap either side, not the horizon.
    expect(new Date(plan.readFrom).toISOString()).toBe('2026-11-17T21:00:00.000Z');
    expect(new Date(plan.readTo).toISOString()).toBe('2026-11-19T03:00:00.000Z');
    expect(new Date(plan.since).toISOString()).toBe('2026-11-18T04:00:00.000Z');
  });

  it('an hour near midnight touches both days; one inside a night touches that night', () => {
    const plan = recomputePlan(settings, NOW, [at('2026-11-18T23:00:00Z')])!;
    expect(plan.days).toEqual(['2026-11-18', '2026-11-19']);
    expect(plan.nights).toEqual(['2026-11-18', '2026-11-19']);
  });

  it("today's hours: tonight's complete night is recomputed, the mark waits for the day to end", () => {
    const plan = recomputePlan(settings, NOW, [at('2026-11-20T03:00:00Z')])!;
    expect(plan.nights).toEqual(['2026-11-20']);
    expect(plan.days).toEqual([]);
    expect(plan.consumed).toEqual([]);
  });

  it('an hour older than the horizon is dropped without work', () => {
    const plan = recomputePlan(settings, NOW, [at('2026-11-01T12:00:00Z')])!;
    expect(plan.nights).toEqual([]);
    expect(plan.consumed).toEqual([at('2026-11-01T12:00:00Z')]);
  });

  it('an area changed: every complete night and day of the horizon', () => {
    const plan = recomputePlan(settings, NOW, [], true)!;
    expect(plan.days).toEqual(['2026-11-17', '2026-11-18', '2026-11-19']);
    expect(plan.nights).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']);
    expect(plan.readTo).toBeLessThanOrEqual(Math.floor(NOW / H) * H + H);
  });

  it('uses the local days of the tenant zone', () => {
    const paris = waterSettings({ timeZone: 'Europe/Paris' });
    // 23:30Z on the 18th is 00:30 on the 19th in Paris.
    const plan = recomputePlan(paris, NOW, [at('2026-11-18T23:00:00Z')])!;
    expect(plan.days).toEqual(['2026-11-18', '2026-11-19']);
    const noon = recomputePlan(paris, NOW, [at('2026-11-19T11:00:00Z')])!;
    expect(noon.days).toEqual(['2026-11-19']);
  });
});
