import {
  addDays,
  isTimeZone,
  isoWeekday,
  localDateOf,
  localSecondsOf,
  localTimeToUtc,
  zoneOffsetMs,
} from './local-time';

const PARIS = 'Europe/Paris';
const H = 3600_000;

describe('local time through Intl', () => {
  it('knows the offset of Paris in winter and summer', () => {
    expect(zoneOffsetMs(PARIS, Date.UTC(2026, 0, 15, 12))).toBe(1 * H);
    expect(zoneOffsetMs(PARIS, Date.UTC(2026, 6, 15, 12))).toBe(2 * H);
  });

  it('changes offset at 01:00 UTC on the last Sunday of March and of October (EU rule)', () => {
    expect(zoneOffsetMs(PARIS, Date.UTC(2026, 2, 29, 0, 59))).toBe(1 * H);
    expect(zoneOffsetMs(PARIS, Date.UTC(2026, 2, 29, 1, 0))).toBe(2 * H);
    expect(zoneOffsetMs(PARIS, Date.UTC(2026, 9, 25, 0, 59))).toBe(2 * H);
    expect(zoneOffsetMs(PARIS, Date.UTC(2026, 9, 25, 1, 0))).toBe(1 * H);
  });

  it('maps a local time to UTC on both sides of a change', () => {
    expect(localTimeToUtc(PARIS, { year: 2026, month: 3, day: 28 }, 20 * 3600)).toBe(
      Date.UTC(2026, 2, 28, 19),
    );
    expect(localTimeToUtc(PARIS, { year: 2026, month: 3, day: 29 }, 20 * 3600)).toBe(
      Date.UTC(2026, 2, 29, 18),
    );
  });

  it('moves a time inside the spring gap after it (02:30 -> 03:30 CEST)', () => {
    expect(localTimeToUtc(PARIS, { year: 2026, month: 3, day: 29 }, 2.5 * 3600)).toBe(
      Date.UTC(2026, 2, 29, 1, 30),
    );
  });

  it('takes the first of the two 02:30 of the autumn change', () => {
    expect(localTimeToUtc(PARIS, { year: 2026, month: 10, day: 25 }, 2.5 * 3600)).toBe(
      Date.UTC(2026, 9, 25, 0, 30),
    );
  });

  it('reads the local date and time of an instant', () => {
    const t = Date.UTC(2026, 11, 31, 23, 30); // 00:30 on 1 January in Paris
    expect(localDateOf(PARIS, t)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(localSecondsOf(PARIS, t)).toBe(1800);
    expect(localDateOf('UTC', t)).toEqual({ year: 2026, month: 12, day: 31 });
  });

  it('does calendar arithmetic over month and year ends', () => {
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2028, month: 3, day: 1 }, -1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(isoWeekday({ year: 2026, month: 12, day: 6 })).toBe(7); // a Sunday
    expect(isoWeekday({ year: 2026, month: 12, day: 7 })).toBe(1);
  });

  it('tells known zones from unknown ones', () => {
    expect(isTimeZone(PARIS)).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
