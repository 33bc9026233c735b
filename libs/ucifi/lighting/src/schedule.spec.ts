import { localTimeToUtc } from './local-time';
import { type LightingProgram, type LightingSchedule } from './program';
import { calendarMatches, programOutputAt, resolveSteps, scheduleLevelAt, schedulePreview } from './schedule';
import { sunEvents } from './solar';
import { LYON, NIGHT_PROGRAM } from './testing.fixtures';

const PARIS = 'Europe/Paris';
const ctx = { location: LYON, timeZone: PARIS };
const at = (y: number, m: number, d: number, hh: number, mm = 0) =>
  localTimeToUtc(PARIS, { year: y, month: m, day: d }, hh * 3600 + mm * 60);

describe('calendar rules (3453)', () => {
  it('matches weekdays with 0 and 7 as Sunday', () => {
    const sunday = { year: 2026, month: 12, day: 6 };
    expect(calendarMatches({ weekdays: [0] }, sunday)).toBe(true);
    expect(calendarMatches({ weekdays: [7] }, sunday)).toBe(true);
    expect(calendarMatches({ weekdays: [1, 2, 3, 4, 5] }, sunday)).toBe(false);
  });

  it('matches absolute and yearly date ranges, a yearly range wrapping over the new year', () => {
    const rule = { dateRanges: [{ start: '--12-20', end: '--01-06' }] };
    expect(calendarMatches(rule, { year: 2026, month: 12, day: 25 })).toBe(true);
    expect(calendarMatches(rule, { year: 2027, month: 1, day: 6 })).toBe(true);
    expect(calendarMatches(rule, { year: 2027, month: 1, day: 7 })).toBe(false);
    const once = { dateRanges: [{ start: '2026-07-14' }] };
    expect(calendarMatches(once, { year: 2026, month: 7, day: 14 })).toBe(true);
    expect(calendarMatches(once, { year: 2027, month: 7, day: 14 })).toBe(false);
  });

  it('ANDs the date rule with the ranges', () => {
    const rule = { dateRanges: [{ start: '2026-03-01', end: '2026-06-30' }], weekdays: [6] };
    expect(calendarMatches(rule, { year: 2026, month: 3, day: 7 })).toBe(true); // Saturday
    expect(calendarMatches(rule, { year: 2026, month: 3, day: 8 })).toBe(false);
    expect(calendarMatches(rule, { year: 2026, month: 7, day: 4 })).toBe(false);
    expect(calendarMatches({ months: [12], daysOfMonth: [24, 31] }, { year: 2026, month: 12, day: 24 })).toBe(
      true,
    );
  });
});

describe('a schedule over a day', () => {
  it('resolves sunset and sunrise offsets of the day', () => {
    const sun = sunEvents(LYON, 2026, 12, 7);
    const steps = resolveSteps(NIGHT_PROGRAM.schedules[0]!, { year: 2026, month: 12, day: 7 }, ctx);
    expect(steps).toEqual([
      { at: at(2026, 12, 7, 0), level: 30 },
      { at: sun.sunrise! - 15 * 60_000, level: 0 },
      { at: sun.sunset! + 30 * 60_000, level: 100 },
    ]);
  });

  it('gives each step level until the next, and the last level before the first step', () => {
    const s = NIGHT_PROGRAM.schedules[0]!;
    const sun = sunEvents(LYON, 2026, 12, 7);
    expect(scheduleLevelAt(s, at(2026, 12, 7, 3), ctx)).toBe(30);
    expect(scheduleLevelAt(s, at(2026, 12, 7, 12), ctx)).toBe(0);
    expect(scheduleLevelAt(s, sun.sunset! + 29 * 60_000, ctx)).toBe(0);
    expect(scheduleLevelAt(s, sun.sunset! + 30 * 60_000, ctx)).toBe(100);
    expect(scheduleLevelAt(s, at(2026, 12, 7, 23, 59), ctx)).toBe(100);
  });

  it('places the steps of a night calendar between 12:00 and 12:00 the next day', () => {
    const s: LightingSchedule = {
      name: 'n',
      priority: 1,
      calendars: [{ type: 'night', weekdays: [5] }], // Friday nights
      steps: [
        { at: '20:00', level: 100 },
        { at: '02:00', level: 20 },
        { at: 'R', level: 0 },
      ],
    };
    // Friday 2026-12-11 night: 20:00 Friday, 02:00 and sunrise on Saturday.
    const steps = resolveSteps(s, { year: 2026, month: 12, day: 11 }, ctx);
    expect(steps.map((x) => x.at)).toEqual([
      at(2026, 12, 11, 20),
      at(2026, 12, 12, 2),
      sunEvents(LYON, 2026, 12, 12).sunrise!,
    ]);
    // Saturday 03:00 still belongs to Friday's night; Saturday 20:00 to Saturday's, which is not selected.
    expect(scheduleLevelAt(s, at(2026, 12, 12, 3), ctx)).toBe(20);
    expect(scheduleLevelAt(s, at(2026, 12, 12, 20), ctx)).toBeNull();
  });

  it('is not running when disabled, and outputs 0 when off-when-inactive on an unselected day', () => {
    const base = {
      name: 'w',
      priority: 1,
      steps: [{ at: '00:00', level: 80 }],
      calendars: [{ weekdays: [6, 7] }],
    };
    const monday = at(2026, 12, 7, 10);
    expect(scheduleLevelAt(base, monday, ctx)).toBeNull();
    expect(scheduleLevelAt({ ...base, offWhenInactive: true }, monday, ctx)).toBe(0);
    expect(scheduleLevelAt({ ...base, enabled: false }, at(2026, 12, 12, 10), ctx)).toBeNull();
  });

  it('drops astronomical steps on a day without the event (polar day in Tromsø)', () => {
    const tromso = { location: { latitude: 69.65, longitude: 18.96 }, timeZone: 'Europe/Oslo' };
    const steps = resolveSteps(NIGHT_PROGRAM.schedules[0]!, { year: 2026, month: 6, day: 21 }, tromso);
    expect(steps.map((s) => s.level)).toEqual([30]);
  });
});

describe('priorities and compound operations (3452/2, 3452/8)', () => {
  const weekday: LightingSchedule = { name: 'every day', priority: 7, steps: [{ at: '00:00', level: 40 }] };
  const saturday: LightingSchedule = {
    name: 'saturdays',
    priority: 3,
    calendars: [{ weekdays: [6], dateRanges: [{ start: '--03-01', end: '--06-30' }] }],
    steps: [{ at: '00:00', level: 90 }],
  };
  const program = { schedules: [weekday, saturday] };

  it('lets the higher priority (lower number) schedule win where it runs (3452/2 example)', () => {
    expect(programOutputAt(program, at(2027, 3, 6, 22), ctx)).toEqual({ level: 90, schedule: 'saturdays' });
    expect(programOutputAt(program, at(2027, 3, 7, 22), ctx)).toEqual({ level: 40, schedule: 'every day' });
    expect(programOutputAt(program, at(2027, 7, 3, 22), ctx)).toEqual({ level: 40, schedule: 'every day' });
  });

  it('compounds: 50 % SET compound then 10 % ADD gives 60 % (3452/8 example)', () => {
    const compound: LightingProgram = {
      schedules: [
        { name: 'cp11', priority: 500, operation: 'add', steps: [{ at: '00:00', level: 10 }] },
        { name: 'cp1', priority: 100, compound: true, steps: [{ at: '00:00', level: 50 }] },
      ],
    };
    expect(programOutputAt(compound, at(2026, 12, 7, 1), ctx)).toEqual({ level: 60, schedule: 'cp1' });
  });

  it('stops compounding at a schedule that is not compound, and clamps to 0..100', () => {
    const p: LightingProgram = {
      schedules: [
        { name: 'a', priority: 1, compound: true, steps: [{ at: '00:00', level: 80 }] },
        { name: 'b', priority: 2, operation: 'add', steps: [{ at: '00:00', level: 50 }] },
        { name: 'c', priority: 3, operation: 'subtract', steps: [{ at: '00:00', level: 100 }] },
      ],
    };
    expect(programOutputAt(p, at(2026, 12, 7, 1), ctx).level).toBe(100);
    const q: LightingProgram = {
      schedules: [
        { name: 'a', priority: 1, compound: true, steps: [{ at: '00:00', level: 80 }] },
        {
          name: 'b',
          priority: 2,
          compound: true,
          operation: 'multiply',
          steps: [{ at: '00:00', level: 50 }],
        },
        { name: 'c', priority: 3, operation: 'min', steps: [{ at: '00:00', level: 30 }] },
      ],
    };
    expect(programOutputAt(q, at(2026, 12, 7, 1), ctx).level).toBe(30);
  });

  it('outputs null where no schedule runs', () => {
    expect(programOutputAt({ schedules: [saturday] }, at(2026, 12, 7, 1), ctx)).toEqual({
      level: null,
      schedule: null,
    });
  });
});

describe('schedulePreview', () => {
  it('lists the night program changes of the next 48 h in Lyon', () => {
    const from = at(2026, 12, 7, 12);
    const preview = schedulePreview(NIGHT_PROGRAM, LYON, PARIS, from, 48);
    const d7 = sunEvents(LYON, 2026, 12, 7);
    const d8 = sunEvents(LYON, 2026, 12, 8);
    const d9 = sunEvents(LYON, 2026, 12, 9);
    expect(preview.initial).toEqual({ level: 0, schedule: 'night' });
    expect(preview.changes.map((c) => [c.at, c.level, c.previous])).toEqual([
      [d7.sunset! + 30 * 60_000, 100, 0],
      [at(2026, 12, 8, 0), 30, 100],
      [d8.sunrise! - 15 * 60_000, 0, 30],
      [d8.sunset! + 30 * 60_000, 100, 0],
      [at(2026, 12, 9, 0), 30, 100],
      [d9.sunrise! - 15 * 60_000, 0, 30],
    ]);
    expect(preview.changes.every((c) => c.fadeSeconds === 60 && c.schedule === 'night')).toBe(true);
    expect(preview.to - preview.from).toBe(48 * 3600_000);
  });

  it('keeps local midnight across the autumn DST change (Paris, 25 October 2026)', () => {
    const from = at(2026, 10, 24, 12);
    const preview = schedulePreview(NIGHT_PROGRAM, LYON, PARIS, from, 48);
    const midnights = preview.changes.filter((c) => c.level === 30).map((c) => c.at);
    expect(midnights).toEqual([Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23)]);
  });

  it('refuses a window outside 1..336 hours', () => {
    expect(() => schedulePreview(NIGHT_PROGRAM, LYON, PARIS, 0, 0)).toThrow(RangeError);
    expect(() => schedulePreview(NIGHT_PROGRAM, LYON, PARIS, 0, 337)).toThrow(RangeError);
  });

  it('shows a weekend override taking over at its period boundary', () => {
    const program = {
      schedules: [
        NIGHT_PROGRAM.schedules[0]!,
        { name: 'weekend', priority: 1, calendars: [{ weekdays: [6] }], steps: [{ at: '00:00', level: 70 }] },
      ],
    };
    const preview = schedulePreview(program, LYON, PARIS, at(2026, 12, 11, 12), 24); // Friday noon
    const toWeekend = preview.changes.find((c) => c.schedule === 'weekend');
    expect(toWeekend).toMatchObject({ at: at(2026, 12, 12, 0), level: 70, previous: 100 });
  });
});
