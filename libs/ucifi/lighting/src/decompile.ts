/**
 * The reverse of `compileProgram`: reads the 3452/3453/3454/3456 instances a controller holds back into a
 * `LightingProgram`, as a controller does before running it, with the 3458 "Error Conditions" of each scheduler
 * that cannot run (bit 1 time syntax error, bit 2 invalid program function; 3458-1_0 resource 2).
 */
import {
  CalendarRuleResource,
  OBJECT_IDS,
  OutputFilterResource,
  ProgramFunctionResource,
  ProgramSchedulerResource,
} from '@smartcity/ucifi-model';
import {
  type CalendarRule,
  type LightingSchedule,
  type OutputOperation,
  type ProgramStep,
  type Transition,
  type TransitionCurve,
  parseCalendarDate,
} from './program';
import { parseTimeExpression } from './time-expression';

/** Resource id -> value; a multiple-instance resource as a map of resource instance id -> value. */
export type InstanceResources = ReadonlyMap<number, unknown>;
/** Object id -> instance id -> resources. */
export type DeviceObjects = ReadonlyMap<number, ReadonlyMap<number, InstanceResources>>;

export const MonitorError = { sensorSyntax: 1, timeSyntax: 2, invalidFunction: 4 } as const;

export interface DecompiledSchedule {
  /** The 3452 instance id. */
  readonly instanceId: number;
  /** Null when it cannot run (see errorConditions). */
  readonly schedule: LightingSchedule | null;
  readonly name: string;
  /** 3458/2 bitmap. */
  readonly errorConditions: number;
}

const OPERATIONS: Record<number, OutputOperation> = {
  1: 'set',
  2: 'min',
  3: 'max',
  4: 'add',
  5: 'subtract',
  6: 'multiply',
};
const CURVES: Record<number, TransitionCurve> = {
  0: 'immediate',
  1: 'linear',
  2: 'exponential',
  3: 'device',
};

function values(v: unknown): unknown[] {
  if (v instanceof Map)
    return [...(v as Map<number, unknown>).entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  return v === undefined ? [] : [v];
}

const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;

/** "dom month dow" (3453/4): '*', lists and ranges. Null when malformed. */
export function parseDateRule(
  rule: string,
): Pick<CalendarRule, 'daysOfMonth' | 'months' | 'weekdays'> | null {
  const fields = rule.trim().split(/\s+/);
  if (fields.length !== 3) return null;
  const parse = (f: string, min: number, max: number): number[] | null | undefined => {
    if (f === '*') return undefined;
    const out: number[] = [];
    for (const part of f.split(',')) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!m) return null;
      const a = Number(m[1]);
      const b = m[2] === undefined ? a : Number(m[2]);
      if (a < min || b > max || a > b) return null;
      for (let x = a; x <= b; x++) out.push(x);
    }
    return out;
  };
  const [dom, month, dow] = [parse(fields[0]!, 1, 31), parse(fields[1]!, 1, 12), parse(fields[2]!, 0, 7)];
  if (dom === null || month === null || dow === null) return null;
  return {
    ...(dom ? { daysOfMonth: dom } : {}),
    ...(month ? { months: month } : {}),
    ...(dow ? { weekdays: dow } : {}),
  };
}

function calendarOf(r: InstanceResources | undefined): CalendarRule | null {
  if (!r) return null;
  const C = CalendarRuleResource;
  const starts = values(r.get(C.startDate)).filter((v): v is string => typeof v === 'string');
  const ends = values(r.get(C.endDate)).filter((v): v is string => typeof v === 'string');
  if (starts.some((s) => !parseCalendarDate(s)) || ends.some((e) => !parseCalendarDate(e))) return null;
  const rule = r.get(C.dateRule);
  const parsedRule = typeof rule === 'string' ? parseDateRule(rule) : {};
  if (parsedRule === null) return null;
  return {
    ...(typeof r.get(C.calendarName) === 'string' ? { name: r.get(C.calendarName) as string } : {}),
    type: num(r.get(C.calendarType)) === 1 ? 'night' : 'day',
    ...(starts.length > 0
      ? { dateRanges: starts.map((start, i) => ({ start, end: ends[i] ?? start })) }
      : {}),
    ...parsedRule,
  };
}

/** Reads every 3452 instance back into a schedule, or says why it cannot run. */
export function decompileProgram(objects: DeviceObjects): DecompiledSchedule[] {
  const schedulers = objects.get(OBJECT_IDS.programScheduler) ?? new Map<number, InstanceResources>();
  const functions = objects.get(OBJECT_IDS.programFunction) ?? new Map<number, InstanceResources>();
  const calendars = objects.get(OBJECT_IDS.calendarRule) ?? new Map<number, InstanceResources>();
  const filters = objects.get(OBJECT_IDS.outputFilter) ?? new Map<number, InstanceResources>();
  const S = ProgramSchedulerResource;
  const P = ProgramFunctionResource;
  const F = OutputFilterResource;
  const out: DecompiledSchedule[] = [];
  for (const [instanceId, r] of [...schedulers.entries()].sort((a, b) => a[0] - b[0])) {
    const name =
      typeof r.get(S.scheduleName) === 'string' ? (r.get(S.scheduleName) as string) : `program ${instanceId}`;
    const fail = (errorConditions: number): DecompiledSchedule => ({
      instanceId,
      name,
      schedule: null,
      errorConditions,
    });
    const fnId = num(r.get(S.programFunction));
    const fn = fnId === null ? undefined : functions.get(fnId);
    const priority = num(r.get(S.priority));
    if (!fn || priority === null) {
      out.push(fail(MonitorError.invalidFunction));
      continue;
    }
    const times = String(values(fn.get(P.timeInputArray))[0] ?? '')
      .split(';')
      .map((t) => t.trim());
    const levels = String(values(fn.get(P.timeOutputArray))[0] ?? '')
      .split(';')
      .map((t) => t.trim());
    if (times.length !== levels.length || times.some((t) => parseTimeExpression(t) === null)) {
      out.push(fail(MonitorError.timeSyntax));
      continue;
    }
    const steps: ProgramStep[] = times.map((at, i) => ({ at, level: Number(levels[i]) }));
    if (steps.some((s) => !Number.isFinite(s.level) || s.level < 0 || s.level > 100)) {
      out.push(fail(MonitorError.invalidFunction));
      continue;
    }
    const rules: CalendarRule[] = [];
    let badCalendar = false;
    for (const id of values(r.get(S.calendarRules))) {
      const c = calendarOf(calendars.get(num(id) ?? -1));
      if (c) rules.push(c);
      else badCalendar = true;
    }
    if (badCalendar) {
      out.push(fail(MonitorError.invalidFunction));
      continue;
    }
    const filterId = num(values(fn.get(P.outputFilter))[0]);
    const filter = filterId === null ? undefined : filters.get(filterId);
    let operation: OutputOperation | undefined;
    let transition: Transition | undefined;
    if (filter) {
      operation = OPERATIONS[num(filter.get(F.operation)) ?? 1] ?? 'set';
      const delay = num(filter.get(F.delay));
      if (delay !== null && delay > 0) {
        transition = { fadeSeconds: delay, curve: CURVES[num(filter.get(F.transaction)) ?? 1] ?? 'linear' };
      }
    }
    out.push({
      instanceId,
      name,
      errorConditions: 0,
      schedule: {
        name,
        priority,
        enabled: r.get(S.state) !== false,
        steps,
        ...(rules.length > 0 ? { calendars: rules } : {}),
        ...(operation && operation !== 'set' ? { operation } : {}),
        ...(transition ? { transition } : {}),
        ...(r.get(S.compoundOperation) === true ? { compound: true } : {}),
        ...(r.get(S.offWhenInactive) === true ? { offWhenInactive: true } : {}),
      },
    });
  }
  return out;
}

/** The instances of a compiled program as a device holds them (for tests and the simulator). */
export function objectsOf(
  instances: readonly {
    objectId: number;
    instanceId: number;
    resources: Readonly<Record<number, unknown>>;
  }[],
): DeviceObjects {
  const out = new Map<number, Map<number, Map<number, unknown>>>();
  for (const inst of instances) {
    let byInstance = out.get(inst.objectId);
    if (!byInstance) out.set(inst.objectId, (byInstance = new Map()));
    const r = new Map<number, unknown>();
    for (const [rid, v] of Object.entries(inst.resources)) {
      r.set(
        Number(rid),
        typeof v === 'object' && v !== null
          ? new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [Number(k), x]))
          : v,
      );
    }
    byInstance.set(inst.instanceId, r);
  }
  return out;
}
