import {
  Capability,
  type ProgramManagerCapabilities,
  ProgramCompileError,
  capabilitiesFromValues,
  compileProgram,
  dateRuleOf,
  requiredCapabilities,
} from './compile';
import { type LightingProgram, ProgramValidationError } from './program';
import { NIGHT_PROGRAM } from './testing.fixtures';
import { loadBundledRegistry } from '@smartcity/ucifi-model';

const ALL_BITS = (1 << 12) - 1;
const ROOMY: ProgramManagerCapabilities = {
  maxProgramSchedulers: 8,
  maxProgramFunctions: 8,
  maxCalendars: 8,
  maxActuators: 4,
  maxDatesInCalendar: 4,
  supportedCapabilities: ALL_BITS,
};

const registry = loadBundledRegistry();

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
          name: 'summer weekends',
          type: 'night',
          dateRanges: [{ start: '--06-01', end: '--08-31' }],
          weekdays: [5, 6],
        },
        { type: 'night', dateRanges: [{ start: '2026-12-31' }] },
      ],
      steps: [
        { at: 'S', level: 100 },
        { at: '02:00:30', level: 50 },
      ],
    },
  ],
};

describe('compileProgram', () => {
  it('compiles the night program into 3454 + 3456 + 3452 with the DDF resource ids', () => {
    const compiled = compileProgram(NIGHT_PROGRAM, ROOMY);
    expect(compiled.instances).toEqual([
      { objectId: 3456, instanceId: 0, resources: { 0: 1, 1: 60, 2: 1 } },
      {
        objectId: 3454,
        instanceId: 0,
        resources: { 0: 'night', 3: { 0: 0 }, 4: { 0: 'S+30;00:00;R-15' }, 5: { 0: '100;30;0' } },
      },
      {
        objectId: 3452,
        instanceId: 0,
        resources: { 0: 'night', 1: true, 2: 10, 4: 0, 6: { 0: '</3416/0>' }, 7: { 0: '1' } },
      },
    ]);
    expect(compiled.requiredCapabilities).toEqual([
      'astronomicalEvents',
      'outputFilters',
      'transactionSupport',
    ]);
  });

  it('gives every resource a value of its DDF type (3452-1_0, 3453-1_0, 3454-1_0, 3456-1_0)', () => {
    const compiled = compileProgram(WEEKEND, ROOMY, { lampInstances: [0, 1] });
    for (const inst of compiled.instances) {
      const model = registry.get(inst.objectId, '1.0')!;
      expect(model).toBeDefined();
      for (const [rid, value] of Object.entries(inst.resources)) {
        const res = model.resources.get(Number(rid))!;
        expect(res).toBeDefined();
        expect(res.operations).toMatch(/W/);
        const values = typeof value === 'object' ? Object.values(value) : [value];
        expect(typeof value === 'object').toBe(res.multiple);
        for (const v of values) {
          const expected = { string: 'string', integer: 'number', float: 'number', boolean: 'boolean' }[
            res.type as string
          ];
          expect([`${inst.objectId}/${rid}`, typeof v]).toEqual([`${inst.objectId}/${rid}`, expected]);
          if (res.type === 'integer') expect(Number.isInteger(v)).toBe(true);
        }
      }
      // Every mandatory writable resource is given.
      for (const [rid, res] of model.resources) {
        if (res.mandatory && res.operations.includes('W')) expect(inst.resources[rid]).toBeDefined();
      }
    }
  });

  it('writes calendars, references and optional flags of a compound weekend schedule', () => {
    const compiled = compileProgram(WEEKEND, ROOMY, { lampInstances: [0, 1] });
    const byObject = (id: number) => compiled.instances.filter((i) => i.objectId === id);
    expect(byObject(3453)).toEqual([
      {
        objectId: 3453,
        instanceId: 0,
        resources: { 0: 'summer weekends', 1: 1, 2: { 0: '--06-01' }, 3: { 0: '--08-31' }, 4: '* * 5,6' },
      },
      { objectId: 3453, instanceId: 1, resources: { 1: 1, 2: { 0: '2026-12-31' }, 3: { 0: '2026-12-31' } } },
    ]);
    expect(byObject(3456)[1]).toEqual({ objectId: 3456, instanceId: 1, resources: { 0: 3 } });
    expect(byObject(3452)[1]!.resources).toEqual({
      0: 'weekend',
      1: true,
      2: 1,
      3: { 0: 0, 1: 1 },
      4: 1,
      6: { 0: '</3416/0>', 1: '</3416/1>' },
      7: { 0: '1' },
      8: true,
      9: true,
    });
    expect(byObject(3454)[1]!.resources).toEqual({
      0: 'weekend',
      3: { 0: 1, 1: 1 },
      4: { 0: 'S;02:00:30', 1: 'S;02:00:30' },
      5: { 0: '100;50', 1: '100;50' },
    });
    // Creation order: what is referenced comes first.
    expect(compiled.instances.map((i) => i.objectId)).toEqual([
      3453, 3453, 3456, 3456, 3454, 3454, 3452, 3452,
    ]);
    expect(compiled.usage).toEqual({
      programSchedulers: 2,
      programFunctions: 2,
      calendars: 2,
      outputFilters: 2,
      actuators: 2,
      maxDatesInCalendar: 1,
    });
  });

  it('names the capabilities a program needs', () => {
    expect(requiredCapabilities(WEEKEND)).toEqual([
      'astronomicalEvents',
      'outputFilters',
      'calendar',
      'compoundOperations',
      'secondGranularity',
      'offWhenInactive',
      'transactionSupport',
    ]);
    expect(
      requiredCapabilities({ schedules: [{ name: 'x', priority: 0, steps: [{ at: '18:00', level: 1 }] }] }),
    ).toEqual([]);
  });

  it('refuses a controller without the capability bits, naming each one', () => {
    const noAstro = ALL_BITS & ~(1 << Capability.astronomicalEvents) & ~(1 << Capability.transactionSupport);
    const err = catchCompile(() =>
      compileProgram(NIGHT_PROGRAM, { ...ROOMY, supportedCapabilities: noAstro }),
    );
    expect(err.issues.map((i) => i.code)).toEqual(['CAPABILITY_MISSING', 'CAPABILITY_MISSING']);
    expect(err.message).toMatch(/"astronomicalEvents" \(3457\/13 bit 0\)/);
    expect(err.message).toMatch(/"transactionSupport" \(3457\/13 bit 10\)/);
    // No bitmap reported: no optional capability.
    expect(() => compileProgram(NIGHT_PROGRAM, { ...ROOMY, supportedCapabilities: null })).toThrow(
      ProgramCompileError,
    );
  });

  it('refuses a program larger than the controller holds', () => {
    const err = catchCompile(() =>
      compileProgram(
        WEEKEND,
        { ...ROOMY, maxProgramSchedulers: 1, maxCalendars: 1, maxActuators: 1 },
        {
          lampInstances: [0, 1],
        },
      ),
    );
    expect(err.issues).toEqual([
      {
        code: 'CAPACITY_EXCEEDED',
        message: 'the program needs 2 program schedulers (3457/0), the controller holds at most 1',
      },
      {
        code: 'CAPACITY_EXCEEDED',
        message: 'the program needs 2 calendars (3457/4), the controller holds at most 1',
      },
      {
        code: 'CAPACITY_EXCEEDED',
        message: 'the program needs 2 actuators (3457/6), the controller holds at most 1',
      },
    ]);
    expect(() => compileProgram(WEEKEND, { ...ROOMY, maxDatesInCalendar: 0 })).toThrow(
      /dates in a calendar \(3457\/8\)/,
    );
  });

  it('validates the program first', () => {
    expect(() => compileProgram({ schedules: [] }, ROOMY)).toThrow(ProgramValidationError);
  });
});

describe('capabilitiesFromValues (3457)', () => {
  it('reads the capacity and capability resources of a Read of /3457/0', () => {
    expect(
      capabilitiesFromValues({ 0: 4, 1: 0, 2: 4, 4: 2, 6: 1, 8: 3, 9: 4096, 11: 0, 13: 0b1000110001 }),
    ).toEqual({
      maxProgramSchedulers: 4,
      maxProgramFunctions: 4,
      maxCalendars: 2,
      maxActuators: 1,
      maxDatesInCalendar: 3,
      supportedCapabilities: 0b1000110001,
    });
  });

  it('refuses values without the mandatory capacity resources', () => {
    const err = catchCompile(() => capabilitiesFromValues({ 0: 4, 2: 4 }));
    expect(err.issues[0]!.code).toBe('CAPABILITIES_UNKNOWN');
    expect(err.message).toMatch(/maxCalendars, maxActuators/);
  });
});

describe('dateRuleOf (3453/4)', () => {
  it('writes "dom month dow" with ranges compressed', () => {
    expect(dateRuleOf({ daysOfMonth: [1, 2, 3, 4, 10] })).toBe('1-4,10 * *');
    expect(dateRuleOf({ weekdays: [6, 7] })).toBe('* * 6,7');
    expect(dateRuleOf({ months: [12], weekdays: [1, 2, 3, 4, 5] })).toBe('* 12 1-5');
    expect(dateRuleOf({})).toBeNull();
  });
});

function catchCompile(f: () => unknown): ProgramCompileError {
  try {
    f();
  } catch (err) {
    if (err instanceof ProgramCompileError) return err;
    throw err;
  }
  throw new Error('expected a ProgramCompileError');
}
