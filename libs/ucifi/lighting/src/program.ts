/**
 * A lighting program as the platform stores it: schedules (one uCIFI 3452 Program Scheduler each) with their
 * calendar rules (3453), a function of time (3454 Time Input/Output Arrays) and an output filter (3456: operation
 * and transition). Plain JSON, validated by `validateProgram` with every problem and its path.
 */
import { parseTimeExpression } from './time-expression';

/** 3456/0 Operation: 1 set, 2 min, 3 max, 4 add, 5 subtract, 6 multiply. */
export type OutputOperation = 'set' | 'min' | 'max' | 'add' | 'subtract' | 'multiply';
export const OUTPUT_OPERATIONS: readonly OutputOperation[] = [
  'set',
  'min',
  'max',
  'add',
  'subtract',
  'multiply',
];

/** 3456/2 Transaction: 0 immediate, 1 linear, 2 exponential, 3 device internal mechanism. */
export type TransitionCurve = 'immediate' | 'linear' | 'exponential' | 'device';
export const TRANSITION_CURVES: readonly TransitionCurve[] = ['immediate', 'linear', 'exponential', 'device'];

export interface DateRange {
  /** `yyyy-mm-dd`, or `--mm-dd` for the same date every year (3453/2). */
  readonly start: string;
  /** Same form as start; absent = start (3453/3). An annual range may wrap over the new year. */
  readonly end?: string | null;
}

export interface CalendarRule {
  readonly name?: string | null;
  /** 3453/1: `day` = Gregorian days 00-24 h; `night` = uCIFI night calendar, 12:00 to 12:00 the next day. */
  readonly type?: 'day' | 'night' | null;
  /** Any of them (3453/2, 3453/3); none = every date. */
  readonly dateRanges?: readonly DateRange[] | null;
  /** 3453/4 Date Rule "dom month dow", ANDed with the date ranges; absent = every value. */
  readonly daysOfMonth?: readonly number[] | null;
  readonly months?: readonly number[] | null;
  /** 0-7, 0 and 7 = Sunday (cron, as 3453/4). */
  readonly weekdays?: readonly number[] | null;
}

export interface ProgramStep {
  /** `hh:mm`, `hh:mm:ss`, `S+30` (sunset + 30 min), `R-15` (sunrise - 15 min). */
  readonly at: string;
  /** Dimming level in % (0 = off). */
  readonly level: number;
}

export interface Transition {
  /** 3456/1 Delay: the fade from the current level to the new one, seconds. */
  readonly fadeSeconds: number;
  readonly curve?: TransitionCurve | null;
}

export interface LightingSchedule {
  /** 3452/0, unique in the program. */
  readonly name: string;
  /** 3452/2: lower number = higher priority. */
  readonly priority: number;
  /** 3452/1 State; default true. */
  readonly enabled?: boolean | null;
  /** The schedule runs on a date when any rule matches; none = every day. */
  readonly calendars?: readonly CalendarRule[] | null;
  /** The function of time: at each step's time the output takes its level, until the next step. */
  readonly steps: readonly ProgramStep[];
  readonly transition?: Transition | null;
  /** How this schedule's level combines with the result of higher-priority compound schedules; default set. */
  readonly operation?: OutputOperation | null;
  /** 3452/8: lower-priority schedules are compounded with this one's output. */
  readonly compound?: boolean | null;
  /** 3452/9: outputs 0 (off) on dates its calendar does not select, instead of leaving the output. */
  readonly offWhenInactive?: boolean | null;
}

export interface LightingProgram {
  readonly schedules: readonly LightingSchedule[];
}

export const PROGRAM_LIMITS = {
  schedules: 16,
  stepsPerSchedule: 48,
  calendarsPerSchedule: 16,
  dateRangesPerCalendar: 16,
  nameLength: 64,
  maxFadeSeconds: 3600,
  minPriority: -32768,
  maxPriority: 32767,
} as const;

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A program that cannot be stored or compiled: every problem, each with the path of the field. */
export class ProgramValidationError extends Error {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`invalid lighting program: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'ProgramValidationError';
  }
}

const ABSOLUTE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ANNUAL_DATE = /^--(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A parsed 3453 date: year null for `--mm-dd`. */
export interface CalendarDate {
  readonly year: number | null;
  readonly month: number;
  readonly day: number;
}

export function parseCalendarDate(text: string): CalendarDate | null {
  const a = ABSOLUTE_DATE.exec(text);
  if (a) {
    const [year, month, day] = [Number(a[1]), Number(a[2]), Number(a[3])];
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
    return { year, month, day };
  }
  const n = ANNUAL_DATE.exec(text);
  if (n) {
    const [month, day] = [Number(n[1]), Number(n[2])];
    if (month < 1 || month > 12 || day < 1 || day > (DAYS_IN_MONTH[month - 1] ?? 0)) return null;
    return { year: null, month, day };
  }
  return null;
}

/** Checks a program; throws ProgramValidationError listing every problem. Returns it typed when valid. */
export function validateProgram(input: unknown): LightingProgram {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (!isObject(input)) throw new ProgramValidationError([{ path: 'program', message: 'must be an object' }]);
  const schedules = input['schedules'];
  if (!Array.isArray(schedules) || schedules.length === 0) {
    add('schedules', 'give at least one schedule');
  } else if (schedules.length > PROGRAM_LIMITS.schedules) {
    add('schedules', `at most ${PROGRAM_LIMITS.schedules} schedules`);
  } else {
    const names = new Set<string>();
    schedules.forEach((s: unknown, i) => validateSchedule(s, `schedules[${i}]`, names, add));
  }
  if (issues.length > 0) throw new ProgramValidationError(issues);
  return input as unknown as LightingProgram;
}

type Add = (path: string, message: string) => void;

function validateSchedule(s: unknown, path: string, names: Set<string>, add: Add): void {
  if (!isObject(s)) return add(path, 'must be an object');
  validateName(s['name'], `${path}.name`, add, true);
  if (typeof s['name'] === 'string') {
    if (names.has(s['name'])) add(`${path}.name`, `duplicate schedule name "${s['name']}"`);
    names.add(s['name']);
  }
  const p = s['priority'];
  if (!isInt(p) || p < PROGRAM_LIMITS.minPriority || p > PROGRAM_LIMITS.maxPriority) {
    add(
      `${path}.priority`,
      `must be an integer within ${PROGRAM_LIMITS.minPriority}..${PROGRAM_LIMITS.maxPriority}`,
    );
  }
  for (const flag of ['enabled', 'compound', 'offWhenInactive'] as const) {
    if (s[flag] != null && typeof s[flag] !== 'boolean') add(`${path}.${flag}`, 'must be a boolean');
  }
  const op = s['operation'];
  if (op != null && !OUTPUT_OPERATIONS.includes(op as OutputOperation)) {
    add(`${path}.operation`, `must be one of ${OUTPUT_OPERATIONS.join(', ')}`);
  }
  const steps = s['steps'];
  if (!Array.isArray(steps) || steps.length === 0) {
    add(`${path}.steps`, 'give at least one step');
  } else if (steps.length > PROGRAM_LIMITS.stepsPerSchedule) {
    add(`${path}.steps`, `at most ${PROGRAM_LIMITS.stepsPerSchedule} steps`);
  } else {
    const seen = new Set<string>();
    steps.forEach((step: unknown, j) => {
      const sp = `${path}.steps[${j}]`;
      if (!isObject(step)) return add(sp, 'must be an object');
      const at = step['at'];
      if (typeof at !== 'string' || parseTimeExpression(at) === null) {
        add(
          `${sp}.at`,
          `"${String(at)}" is not a time: use hh:mm, hh:mm:ss, S+n / S-n (sunset) or R+n / R-n (sunrise), n minutes <= 720`,
        );
      } else {
        const key = at.trim();
        if (seen.has(key)) add(`${sp}.at`, `"${key}" appears twice in the schedule`);
        seen.add(key);
      }
      const level = step['level'];
      if (!isInt(level) || level < 0 || level > 100) add(`${sp}.level`, 'must be an integer from 0 to 100');
    });
  }
  const t = s['transition'];
  if (t != null) {
    if (!isObject(t)) add(`${path}.transition`, 'must be an object');
    else {
      const f = t['fadeSeconds'];
      if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > PROGRAM_LIMITS.maxFadeSeconds) {
        add(
          `${path}.transition.fadeSeconds`,
          `must be a number of seconds within 0..${PROGRAM_LIMITS.maxFadeSeconds}`,
        );
      }
      const c = t['curve'];
      if (c != null && !TRANSITION_CURVES.includes(c as TransitionCurve)) {
        add(`${path}.transition.curve`, `must be one of ${TRANSITION_CURVES.join(', ')}`);
      }
    }
  }
  const calendars = s['calendars'];
  if (calendars != null) {
    if (!Array.isArray(calendars)) add(`${path}.calendars`, 'must be a list');
    else if (calendars.length > PROGRAM_LIMITS.calendarsPerSchedule) {
      add(`${path}.calendars`, `at most ${PROGRAM_LIMITS.calendarsPerSchedule} calendar rules`);
    } else {
      const types = new Set<string>();
      calendars.forEach((c: unknown, k) => {
        validateCalendar(c, `${path}.calendars[${k}]`, add);
        if (isObject(c)) types.add(c['type'] == null ? 'day' : String(c['type']));
      });
      if (types.size > 1) {
        add(
          `${path}.calendars`,
          'the calendar rules of a schedule must all be day or all be night calendars',
        );
      }
    }
  }
}

function validateCalendar(c: unknown, path: string, add: Add): void {
  if (!isObject(c)) return add(path, 'must be an object');
  if (c['name'] != null) validateName(c['name'], `${path}.name`, add, false);
  if (c['type'] != null && c['type'] !== 'day' && c['type'] !== 'night') {
    add(`${path}.type`, 'must be day or night');
  }
  const ranges = c['dateRanges'];
  if (ranges != null) {
    if (!Array.isArray(ranges)) add(`${path}.dateRanges`, 'must be a list');
    else if (ranges.length > PROGRAM_LIMITS.dateRangesPerCalendar) {
      add(`${path}.dateRanges`, `at most ${PROGRAM_LIMITS.dateRangesPerCalendar} date ranges`);
    } else {
      ranges.forEach((r: unknown, i) => {
        const rp = `${path}.dateRanges[${i}]`;
        if (!isObject(r)) return add(rp, 'must be an object');
        const start = typeof r['start'] === 'string' ? parseCalendarDate(r['start']) : null;
        if (!start) return add(`${rp}.start`, 'must be a date yyyy-mm-dd, or --mm-dd for every year');
        if (r['end'] == null) return;
        const end = typeof r['end'] === 'string' ? parseCalendarDate(r['end']) : null;
        if (!end) return add(`${rp}.end`, 'must be a date yyyy-mm-dd, or --mm-dd for every year');
        if ((start.year === null) !== (end.year === null)) {
          return add(`${rp}.end`, 'start and end must both be yyyy-mm-dd or both --mm-dd');
        }
        if (start.year !== null && end.year !== null) {
          const cmp = start.year - end.year || start.month - end.month || start.day - end.day;
          if (cmp > 0) add(`${rp}.end`, 'must not be before start');
        }
      });
    }
  }
  const lists: [string, number, number][] = [
    ['daysOfMonth', 1, 31],
    ['months', 1, 12],
    ['weekdays', 0, 7],
  ];
  for (const [key, min, max] of lists) {
    const v = c[key];
    if (v == null) continue;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => isInt(x) && x >= min && x <= max)) {
      add(`${path}.${key}`, `must be a non-empty list of integers within ${min}..${max}`);
    }
  }
}

function validateName(v: unknown, path: string, add: Add, required: boolean): void {
  if (v == null && !required) return;
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > PROGRAM_LIMITS.nameLength) {
    add(path, `must be a text of 1 to ${PROGRAM_LIMITS.nameLength} characters`);
  } else if (/[";]/.test(v)) {
    // Names travel in uCIFI strings where quotes and semicolons are separators (3454).
    add(path, 'must not contain " or ;');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
