import { compileProgram } from './compile';
import { MonitorError, decompileProgram, objectsOf, parseDateRule } from './decompile';
import { type LightingProgram } from './program';
import { NIGHT_PROGRAM } from './testing.fixtures';

const ROOMY = {
  maxProgramSchedulers: 8,
  maxProgramFunctions: 8,
  maxCalendars: 8,
  maxActuators: 4,
  supportedCapabilities: 0xfff,
};

const WEEKEND: LightingProgram = {
  schedules: [
    NIGHT_PROGRAM.schedules[0]!,
    {
      name: 'weekend',
      priority: 1,
      compound: true,
      offWhenInactive: true,
      operation: 'max',
      calendars: [
        {
          name: 'summer',
          type: 'night',
          dateRanges: [{ start: '--06-01', end: '--08-31' }],
          weekdays: [5, 6],
        },
        {
          type: 'night',
          dateRanges: [{ start: '2026-12-31', end: '2026-12-31' }],
          daysOfMonth: [1, 2, 3, 10],
        },
      ],
      steps: [
        { at: 'S', level: 100 },
        { at: '02:00:30', level: 50 },
      ],
    },
  ],
};

describe('decompileProgram', () => {
  it.each([
    ['the night program', NIGHT_PROGRAM],
    ['a compound weekend program', WEEKEND],
  ])('reads %s back from its compiled instances', (_name, program) => {
    const decompiled = decompileProgram(objectsOf(compileProgram(program, ROOMY).instances));
    expect(decompiled.every((d) => d.errorConditions === 0)).toBe(true);
    const schedules = decompiled.map((d) => d.schedule);
    expect(schedules).toEqual(
      program.schedules
        .map((s) => ({
          ...s,
          enabled: true,
          transition: s.transition ? { curve: 'linear', ...s.transition } : undefined,
          calendars: s.calendars?.map((c) => ({ ...c, type: c.type ?? 'day' })),
        }))
        .map((s) => JSON.parse(JSON.stringify(s)) as unknown),
    );
  });

  it('flags a function whose time and output arrays do not match (3458/2 bit 1)', () => {
    const objects = objectsOf(compileProgram(NIGHT_PROGRAM, ROOMY).instances);
    (objects.get(3454)!.get(0) as Map<number, unknown>).set(4, new Map([[0, 'S+30;25:00;R-15']]));
    expect(decompileProgram(objects)).toEqual([
      { instanceId: 0, name: 'night', schedule: null, errorConditions: MonitorError.timeSyntax },
    ]);
  });

  it('flags a scheduler whose program function does not exist (3458/2 bit 2)', () => {
    const objects = objectsOf(compileProgram(NIGHT_PROGRAM, ROOMY).instances);
    (objects.get(3452)!.get(0) as Map<number, unknown>).set(4, 7);
    expect(decompileProgram(objects)[0]!.errorConditions).toBe(MonitorError.invalidFunction);
  });

  it('parses date rules with lists and ranges, refusing malformed ones', () => {
    expect(parseDateRule('1-3,10 * 6,7')).toEqual({ daysOfMonth: [1, 2, 3, 10], weekdays: [6, 7] });
    expect(parseDateRule('* 12 *')).toEqual({ months: [12] });
    expect(parseDateRule('* *')).toBeNull();
    expect(parseDateRule('0 * *')).toBeNull();
    expect(parseDateRule('5-2 * *')).toBeNull();
  });
});
