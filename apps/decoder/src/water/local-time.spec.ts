import {
  addDays,
  datesBetween,
  localDateOf,
  localTimeToUtc,
  parseClockTime,
  zoneOffsetMs,
} from './local-time';

describe('local time of a tenant', () => {
  it.each([
    ['UTC', '2026-11-20', 120, '2026-11-20T02:00:00.000Z'],
    ['Europe/Paris', '2026-11-20', 120, '2026-11-20T01:00:00.000Z'],
    ['Europe/Paris', '2026-07-20', 120, '2026-07-20T00:00:00.000Z'],
    ['Europe/Lisbon', '2026-11-20', 0, '2026-11-20T00:00:00.000Z'],
    ['America/Sao_Paulo', '2026-11-20', 240, '2026-11-20T07:00:00.000Z'],
    // 2026-03-29 02:30 does not exist in Paris (02:00 -> 03:00): the instant after the jump.
    ['Europe/Paris', '2026-03-29', 150, '2026-03-29T01:30:00.000Z'],
  ])('%s %s +%d min is %s', (tz, date, minute, iso) => {
    expect(new Date(localTimeToUtc(tz, date, minute)).toISOString()).toBe(iso);
  });

  it('gives the local date and offset of an instant', () => {
    const t = Date.parse('2026-11-19T23:30:00Z');
    expect(localDateOf('Europe/Paris', t)).toBe('2026-11-20');
    expect(localDateOf('UTC', t)).toBe('2026-11-19');
    expect(zoneOffsetMs('Europe/Paris', t)).toBe(3_600_000);
  });

  it('walks dates across month ends and parses HH:MM', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(parseClockTime('02:30')).toBe(150);
    expect(() => parseClockTime('24:00')).toThrow(RangeError);
  });
});
