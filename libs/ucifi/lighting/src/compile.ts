/**
 * Compiles a lighting program into the uCIFI instances a controller needs: one 3452 Program Scheduler and one 3454
 * Program Function per schedule, one 3453 Calendar Rule per calendar rule, one 3456 Output Filter per schedule
 * that has a transition or a non-default operation. Resource ids come from the generated DDF constants
 * (libs/ucifi/model, DDF 3452-1_0, 3453-1_0, 3454-1_0, 3456-1_0, 3457-1_1); values have the DDF types: String,
 * Integer, Boolean, Float, multiple-instance resources as { instanceId: value }.
 * The program must fit the controller's 3457 Program Manager: its capacity resources (0, 2, 4, 6, 8) and its
 * Supported Capabilities bitmap (13); otherwise `ProgramCompileError` lists every reason.
 */
import {
  CalendarRuleResource,
  OUTDOOR_LAMP_CONTROLLER_OBJECT_ID,
  OutdoorLampControllerResource,
  OutputFilterResource,
  PROGRAM_MANAGER_OBJECT_ID,
  ProgramFunctionResource,
  ProgramManagerResource,
  ProgramSchedulerResource,
  OBJECT_IDS,
} from '@smartcity/ucifi-model';
import {
  type CalendarRule,
  type LightingProgram,
  type LightingSchedule,
  type OutputOperation,
  type TransitionCurve,
  validateProgram,
} from './program';
import { formatTimeExpression, parseTimeExpression } from './time-expression';

/** 3457/13 Supported Capabilities bits. */
export const Capability = {
  astronomicalEvents: 0,
  singleSensorInputs: 1,
  multiSensorInputs: 2,
  inputFilters: 3,
  outputFilters: 4,
  calendar: 5,
  compoundOperations: 6,
  secondGranularity: 7,
  astronomicalMidnight: 8,
  offWhenInactive: 9,
  /** Read here as support of 3456/2 "Transaction" (the progression of a change), the one transaction resource. */
  transactionSupport: 10,
  transactionAutomaticFallback: 11,
} as const;
export type CapabilityName = keyof typeof Capability;

/** What a controller's 3457 instance says it can hold. */
export interface ProgramManagerCapabilities {
  readonly maxProgramSchedulers: number;
  readonly maxProgramFunctions: number;
  readonly maxCalendars: number;
  readonly maxActuators: number;
  readonly maxDatesInCalendar?: number | null;
  /** Bitmap of 3457/13; absent = no optional capability reported. */
  readonly supportedCapabilities?: number | null;
}

export type CompileIssueCode = 'CAPABILITY_MISSING' | 'CAPACITY_EXCEEDED' | 'CAPABILITIES_UNKNOWN';

export interface CompileIssue {
  readonly code: CompileIssueCode;
  readonly message: string;
}

export class ProgramCompileError extends Error {
  constructor(readonly issues: readonly CompileIssue[]) {
    super(`the program does not fit the controller: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'ProgramCompileError';
  }
}

/** Reads the capabilities from 3457 resource values (resource id -> value, as read from /3457/0). */
export function capabilitiesFromValues(
  values: Readonly<Record<number, unknown>>,
): ProgramManagerCapabilities {
  const num = (id: number): number | null => {
    const v = values[id];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
    return null;
  };
  const R = ProgramManagerResource;
  const mandatory = {
    maxProgramSchedulers: num(R.maxNumberOfProgramSchedulers),
    maxProgramFunctions: num(R.maxNumberOfProgramFunctions),
    maxCalendars: num(R.maxNumberOfCalendars),
    maxActuators: num(R.maxNumberOfActuators),
  };
  const missing = Object.entries(mandatory)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new ProgramCompileError([
      {
        code: 'CAPABILITIES_UNKNOWN',
        message: `the controller's /${PROGRAM_MANAGER_OBJECT_ID}/0 lacks ${missing.join(', ')}`,
      },
    ]);
  }
  return {
    maxProgramSchedulers: mandatory.maxProgramSchedulers ?? 0,
    maxProgramFunctions: mandatory.maxProgramFunctions ?? 0,
    maxCalendars: mandatory.maxCalendars ?? 0,
    maxActuators: mandatory.maxActuators ?? 0,
    maxDatesInCalendar: num(R.maxNumberOfDatesInCalendar),
    supportedCapabilities: num(R.supportedCapabilities),
  };
}

export type ResourceValue = string | number | boolean;

export interface CompiledInstance {
  readonly objectId: number;
  readonly instanceId: number;
  /** Resource id -> value; a multiple-instance resource is { resource instance id -> value }. */
  readonly resources: Readonly<Record<number, ResourceValue | Readonly<Record<number, ResourceValue>>>>;
}

export interface CompiledProgram {
  /** In creation order: 3453 and 3456 first, then the 3454 that name them, then the 3452 that name those. */
  readonly instances: readonly CompiledInstance[];
  readonly requiredCapabilities: readonly CapabilityName[];
  readonly usage: {
    readonly programSchedulers: number;
    readonly programFunctions: number;
    readonly calendars: number;
    readonly outputFilters: number;
    readonly actuators: number;
    readonly maxDatesInCalendar: number;
  };
}

export interface CompileOptions {
  /** Instances of 3416 the program drives (3452/6), default [0]. */
  readonly lampInstances?: readonly number[];
  /** Resource driven on each lamp (3452/7), default 3416/1 "Command" (the requested dimming level). */
  readonly targetResource?: number;
}

const OPERATION_CODES: Record<OutputOperation, number> = {
  set: 1,
  min: 2,
  max: 3,
  add: 4,
  subtract: 5,
  multiply: 6,
};
const CURVE_CODES: Record<TransitionCurve, number> = { immediate: 0, linear: 1, exponential: 2, device: 3 };

type Resources = CompiledInstance['resources'];
type ResourceEntry = readonly [
  number,
  ResourceValue | Readonly<Record<number, ResourceValue>> | null | undefined,
];

/** Resources from [id, value] pairs; null/undefined = not written (optional resource unused). */
function resources(entries: readonly ResourceEntry[]): Resources {
  const out: Record<number, ResourceValue | Readonly<Record<number, ResourceValue>>> = {};
  for (const [id, v] of entries) if (v !== null && v !== undefined) out[id] = v;
  return out;
}

const list = <T extends ResourceValue>(values: readonly T[]): Record<number, T> =>
  Object.fromEntries(values.map((v, i) => [i, v]));

/** 3453/4 Date Rule "dom month dow" (cron without minutes and hours); null when every day. */
export function dateRuleOf(rule: CalendarRule): string | null {
  if (!rule.daysOfMonth && !rule.months && !rule.weekdays) return null;
  const field = (v: readonly number[] | null | undefined) => (v ? compressList(v) : '*');
  return `${field(rule.daysOfMonth)} ${field(rule.months)} ${field(rule.weekdays)}`;
}

/** 1,2,3,5 -> "1-3,5" */
function compressList(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

function needsOutputFilter(s: LightingSchedule): boolean {
  return (
    (s.transition != null && s.transition.fadeSeconds > 0) || (s.operation != null && s.operation !== 'set')
  );
}

/** Capabilities (3457/13 bits) a program needs. */
export function requiredCapabilities(program: LightingProgram): CapabilityName[] {
  const need = new Set<CapabilityName>();
  for (const s of program.schedules) {
    for (const step of s.steps) {
      const t = parseTimeExpression(step.at);
      if (t && t.kind !== 'fixed') need.add('astronomicalEvents');
      if (t && t.kind === 'fixed' && t.seconds % 60 !== 0) need.add('secondGranularity');
    }
    if ((s.calendars ?? []).length > 0) need.add('calendar');
    if (needsOutputFilter(s)) need.add('outputFilters');
    if (s.transition && s.transition.fadeSeconds > 0) need.add('transactionSupport');
    if (s.compound) need.add('compoundOperations');
    if (s.offWhenInactive) need.add('offWhenInactive');
  }
  return (Object.keys(Capability) as CapabilityName[]).filter((c) => need.has(c));
}

export function compileProgram(
  input: LightingProgram,
  capabilities: ProgramManagerCapabilities,
  options: CompileOptions = {},
): CompiledProgram {
  const program = validateProgram(input);
  const lamps = options.lampInstances ?? [0];
  const target = options.targetResource ?? OutdoorLampControllerResource.command;
  const calendars: CompiledInstance[] = [];
  const filters: CompiledInstance[] = [];
  const functions: CompiledInstance[] = [];
  const schedulers: CompiledInstance[] = [];
  let maxDates = 0;

  program.schedules.forEach((s, i) => {
    const calendarIds: number[] = [];
    for (const rule of s.calendars ?? []) {
      const id = calendars.length;
      calendarIds.push(id);
      const ranges = rule.dateRanges ?? [];
      maxDates = Math.max(maxDates, ranges.length);
      const C = CalendarRuleResource;
      const dateRule = dateRuleOf(rule);
      calendars.push({
        objectId: OBJECT_IDS.calendarRule,
        instanceId: id,
        resources: resources([
          [C.calendarName, rule.name],
          [C.calendarType, rule.type === 'night' ? 1 : 0],
          [C.startDate, ranges.length > 0 ? list(ranges.map((r) => r.start)) : null],
          [C.endDate, ranges.length > 0 ? list(ranges.map((r) => r.end ?? r.start)) : null],
          [C.dateRule, dateRule],
        ]),
      });
    }
    let filterId: number | null = null;
    if (needsOutputFilter(s)) {
      filterId = filters.length;
      const F = OutputFilterResource;
      const fade = s.transition && s.transition.fadeSeconds > 0 ? s.transition : null;
      filters.push({
        objectId: OBJECT_IDS.outputFilter,
        instanceId: filterId,
        resources: resources([
          [F.operation, OPERATION_CODES[s.operation ?? 'set']],
          [F.delay, fade?.fadeSeconds],
          [F.transaction, fade ? CURVE_CODES[fade.curve ?? 'linear'] : null],
        ]),
      });
    }
    const P = ProgramFunctionResource;
    const times = s.steps.map((step) => {
      const t = parseTimeExpression(step.at);
      return t ? formatTimeExpression(t) : step.at;
    });
    functions.push({
      objectId: OBJECT_IDS.programFunction,
      instanceId: i,
      resources: resources([
        [P.functionName, s.name],
        [P.outputFilter, filterId !== null ? list(lamps.map(() => filterId ?? 0)) : null],
        // One resource instance per target output (3454/4, /5): every lamp gets the same sequence.
        [P.timeInputArray, list(lamps.map(() => times.join(';')))],
        [P.timeOutputArray, list(lamps.map(() => s.steps.map((step) => String(step.level)).join(';')))],
      ]),
    });
    const S = ProgramSchedulerResource;
    schedulers.push({
      objectId: OBJECT_IDS.programScheduler,
      instanceId: i,
      resources: resources([
        [S.scheduleName, s.name],
        [S.state, s.enabled !== false],
        [S.priority, s.priority],
        [S.calendarRules, calendarIds.length > 0 ? list(calendarIds) : null],
        [S.programFunction, i],
        [S.outputInstances, list(lamps.map((l) => `</${OUTDOOR_LAMP_CONTROLLER_OBJECT_ID}/${l}>`))],
        [S.outputTargets, list([String(target)])],
        // Optional resources written only when used: a controller without them may refuse the whole create.
        [S.compoundOperation, s.compound ? true : null],
        [S.offWhenInactive, s.offWhenInactive ? true : null],
      ]),
    });
  });

  const required = requiredCapabilities(program);
  const issues: CompileIssue[] = [];
  const bits = capabilities.supportedCapabilities ?? 0;
  for (const c of required) {
    if ((bits & (1 << Capability[c])) === 0) {
      issues.push({
        code: 'CAPABILITY_MISSING',
        message: `the program needs "${c}" (3457/13 bit ${Capability[c]}), which the controller does not support`,
      });
    }
  }
  const capacity: [string, number, number | null | undefined][] = [
    ['program schedulers (3457/0)', schedulers.length, capabilities.maxProgramSchedulers],
    ['program functions (3457/2)', functions.length, capabilities.maxProgramFunctions],
    ['calendars (3457/4)', calendars.length, capabilities.maxCalendars],
    ['actuators (3457/6)', lamps.length, capabilities.maxActuators],
    ['dates in a calendar (3457/8)', maxDates, capabilities.maxDatesInCalendar],
  ];
  for (const [what, used, max] of capacity) {
    if (max != null && used > max) {
      issues.push({
        code: 'CAPACITY_EXCEEDED',
        message: `the program needs ${used} ${what}, the controller holds at most ${max}`,
      });
    }
  }
  if (issues.length > 0) throw new ProgramCompileError(issues);
  return {
    instances: [...calendars, ...filters, ...functions, ...schedulers],
    requiredCapabilities: required,
    usage: {
      programSchedulers: schedulers.length,
      programFunctions: functions.length,
      calendars: calendars.length,
      outputFilters: filters.length,
      actuators: lamps.length,
      maxDatesInCalendar: maxDates,
    },
  };
}
