import { PROGRAM_LIMITS, ProgramValidationError, parseCalendarDate, validateProgram } from './program';
import { NIGHT_PROGRAM } from './testing.fixtures';
import { formatTimeExpression, parseTimeExpression } from './time-expression';

function issuesOf(program: unknown): { path: string; message: string }[] {
  try {
    validateProgram(program);
  } catch (err) {
    if (err instanceof ProgramValidationError) return [...err.issues];
    throw err;
  }
  return [];
}

const schedule = (over: Record<string, unknown> = {}) => ({
  name: 's',
  priority: 1,
  steps: [{ at: '18:00', level: 100 }],
  ...over,
});

describe('time expressions (3454/4)', () => {
  it.each([
    ['S+30', { kind: 'sunset', offsetMinutes: 30 }],
    ['R-15', { kind: 'sunrise', offsetMinutes: -15 }],
    ['S', { kind: 'sunset', offsetMinutes: 0 }],
    ['00:00', { kind: 'fixed', seconds: 0 }],
    ['23:59:30', { kind: 'fixed', seconds: 86370 }],
  ])('parses %s', (text, expected) => {
    expect(parseTimeExpression(text)).toEqual(expected);
  });

  it.each(['24:00', '7:00', 'S+721', 'X+1', 'S+', '12:60', ''])('refuses %p', (text) => {
    expect(parseTimeExpression(text)).toBeNull();
  });

  it.each(['S+30', 'R-15', 'S', '00:00', '06:30:15'])('formats %s back to itself', (text) => {
    expect(formatTimeExpression(parseTimeExpression(text)!)).toBe(text);
  });
});

describe('calendar dates (3453/2, 3453/3)', () => {
  it('parses dates of one year and of every year', () => {
    expect(parseCalendarDate('2026-12-24')).toEqual({ year: 2026, month: 12, day: 24 });
    expect(parseCalendarDate('--02-29')).toEqual({ year: null, month: 2, day: 29 });
  });
  it.each(['2026-02-30', '--13-01', '2026-1-01', '26-01-01', '--04-31'])('refuses %s', (d) => {
    expect(parseCalendarDate(d)).toBeNull();
  });
});

describe('validateProgram', () => {
  it('accepts the night program', () => {
    expect(validateProgram(NIGHT_PROGRAM)).toBe(NIGHT_PROGRAM);
  });

  it('accepts calendars with ranges, weekdays, months and night type', () => {
    expect(
      issuesOf({
        schedules: [
          schedule({
            calendars: [
              { type: 'night', dateRanges: [{ start: '--11-01', end: '--02-28' }], weekdays: [5, 6] },
              { type: 'night', dateRanges: [{ start: '2026-12-31' }], months: [12] },
            ],
            operation: 'add',
            compound: true,
            offWhenInactive: false,
          }),
        ],
      }),
    ).toEqual([]);
  });

  const cases: [string, unknown, string, RegExp][] = [
    ['not an object', 42, 'program', /object/],
    ['no schedules', { schedules: [] }, 'schedules', /at least one/],
    [
      'too many schedules',
      {
        schedules: Array.from({ length: PROGRAM_LIMITS.schedules + 1 }, (_, i) =>
          schedule({ name: `s${i}` }),
        ),
      },
      'schedules',
      /at most 16/,
    ],
    ['duplicate names', { schedules: [schedule(), schedule()] }, 'schedules[1].name', /duplicate/],
    ['name with a separator', { schedules: [schedule({ name: 'a;b' })] }, 'schedules[0].name', /;/],
    [
      'priority not an integer',
      { schedules: [schedule({ priority: 1.5 })] },
      'schedules[0].priority',
      /integer/,
    ],
    [
      'priority out of range',
      { schedules: [schedule({ priority: 40000 })] },
      'schedules[0].priority',
      /32767/,
    ],
    ['no steps', { schedules: [schedule({ steps: [] })] }, 'schedules[0].steps', /at least one/],
    [
      'bad time',
      { schedules: [schedule({ steps: [{ at: 'sunset', level: 10 }] })] },
      'schedules[0].steps[0].at',
      /not a time/,
    ],
    [
      'level above 100',
      { schedules: [schedule({ steps: [{ at: '18:00', level: 101 }] })] },
      'schedules[0].steps[0].level',
      /0 to 100/,
    ],
    [
      'same time twice',
      {
        schedules: [
          schedule({
            steps: [
              { at: 'S', level: 10 },
              { at: 'S', level: 20 },
            ],
          }),
        ],
      },
      'schedules[0].steps[1].at',
      /twice/,
    ],
    [
      'negative fade',
      { schedules: [schedule({ transition: { fadeSeconds: -1 } })] },
      'schedules[0].transition.fadeSeconds',
      /seconds/,
    ],
    [
      'unknown curve',
      { schedules: [schedule({ transition: { fadeSeconds: 1, curve: 'cubic' } })] },
      'schedules[0].transition.curve',
      /linear/,
    ],
    ['unknown operation', { schedules: [schedule({ operation: 'xor' })] }, 'schedules[0].operation', /set/],
    [
      'compound not boolean',
      { schedules: [schedule({ compound: 'yes' })] },
      'schedules[0].compound',
      /boolean/,
    ],
    [
      'bad date',
      { schedules: [schedule({ calendars: [{ dateRanges: [{ start: '2026-02-30' }] }] })] },
      'schedules[0].calendars[0].dateRanges[0].start',
      /yyyy-mm-dd/,
    ],
    [
      'end before start',
      {
        schedules: [schedule({ calendars: [{ dateRanges: [{ start: '2026-05-02', end: '2026-05-01' }] }] })],
      },
      'schedules[0].calendars[0].dateRanges[0].end',
      /before start/,
    ],
    [
      'mixed date forms',
      { schedules: [schedule({ calendars: [{ dateRanges: [{ start: '2026-05-02', end: '--05-03' }] }] })] },
      'schedules[0].calendars[0].dateRanges[0].end',
      /both/,
    ],
    [
      'weekday 8',
      { schedules: [schedule({ calendars: [{ weekdays: [8] }] })] },
      'schedules[0].calendars[0].weekdays',
      /0\.\.7/,
    ],
    [
      'empty months',
      { schedules: [schedule({ calendars: [{ months: [] }] })] },
      'schedules[0].calendars[0].months',
      /non-empty/,
    ],
    [
      'unknown calendar type',
      { schedules: [schedule({ calendars: [{ type: 'week' }] })] },
      'schedules[0].calendars[0].type',
      /day or night/,
    ],
    [
      'day and night rules mixed',
      { schedules: [schedule({ calendars: [{ type: 'night' }, { type: 'day' }] })] },
      'schedules[0].calendars',
      /all be day or all be night/,
    ],
  ];
  it.each(cases)('refuses %s with the path of the field', (_name, program, path, message) => {
    const issues = issuesOf(program);
    const issue = issues.find((i) => i.path === path);
    expect(issue).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('reports every problem at once in its message', () => {
    const err = (() => {
      try {
        validateProgram({ schedules: [schedule({ priority: 'x', steps: [{ at: '25:00', level: -1 }] })] });
      } catch (e) {
        return e as ProgramValidationError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ProgramValidationError);
    expect(err!.issues.map((i) => i.path)).toEqual([
      'schedules[0].priority',
      'schedules[0].steps[0].at',
      'schedules[0].steps[0].level',
    ]);
    expect(err!.message).toMatch(/^invalid lighting program: schedules\[0\]\.priority: /);
  });
});
