/**
 * What a program outputs at a given instant, and the level changes over a window (the schedule preview).
 *
 * Semantics (uCIFI 3452/3453/3454/3456 as the platform reads them):
 * - A schedule runs on a *period*: a Gregorian day (00:00-24:00 local) or, with night calendars (3453/1 = 1), a
 *   night from 12:00 of its date to 12:00 the next day. Its calendar rules select the periods (any rule matching).
 * - Within a period, each step's time is resolved: fixed times on that day (night period: times before 12:00 on
 *   the next day), sunset of the period's date, sunrise of the period's date (night period: of the next date).
 *   An astronomical event that does not happen that day (polar day/night) drops the step for that period.
 * - The output is the level of the last step at or before the instant; before the first step of a period it is
 *   the level of the period's last step (the function is a daily cycle).
 * - Schedules are evaluated by priority (lower number first, 3452/2). The first running schedule gives the level;
 *   while the schedule just applied is compound (3452/8), the next running one is combined with it by its own
 *   operation (3456/0), as in the 3452/8 example (50 % SET compound, then 10 % ADD = 60 %). Results are clamped
 *   to 0..100.
 * - A schedule whose calendar does not select the period is not running, unless it is "off when inactive"
 *   (3452/9): it then outputs 0. A disabled schedule (3452/1 false) never runs.
 */
import {
  type LocalDate,
  addDays,
  compareDates,
  isoWeekday,
  localDateOf,
  localSecondsOf,
  localTimeToUtc,
} from './local-time';
import {
  type CalendarRule,
  type LightingProgram,
  type LightingSchedule,
  type OutputOperation,
  parseCalendarDate,
} from './program';
import { type GeoLocation, sunEvents } from './solar';
import { parseTimeExpression } from './time-expression';

export interface ScheduleContext {
  readonly location: GeoLocation;
  readonly timeZone: string;
}

export type PeriodType = 'day' | 'night';

const NOON_S = 12 * 3600;

export function periodTypeOf(schedule: LightingSchedule): PeriodType {
  return schedule.calendars?.some((c) => c.type === 'night') ? 'night' : 'day';
}

/** The date of the period an instant falls in. */
export function periodDateOf(type: PeriodType, timeZone: string, at: number): LocalDate {
  const date = localDateOf(timeZone, at);
  if (type === 'night' && localSecondsOf(timeZone, at) < NOON_S) return addDays(date, -1);
  return date;
}

/** [start, end) of a period, UTC ms. */
export function periodWindow(type: PeriodType, timeZone: string, date: LocalDate): [number, number] {
  const startS = type === 'night' ? NOON_S : 0;
  return [localTimeToUtc(timeZone, date, startS), localTimeToUtc(timeZone, addDays(date, 1), startS)];
}

/** Whether one 3453 rule selects a date. */
export function calendarMatches(rule: CalendarRule, date: LocalDate): boolean {
  if (rule.months && !rule.months.includes(date.month)) return false;
  if (rule.daysOfMonth && !rule.daysOfMonth.includes(date.day)) return false;
  if (rule.weekdays) {
    const iso = isoWeekday(date); // 1..7, 7 = Sunday; cron: 0 or 7 = Sunday
    if (!rule.weekdays.some((w) => (w === 0 ? 7 : w) === iso)) return false;
  }
  const ranges = rule.dateRanges ?? [];
  if (ranges.length === 0) return true;
  return ranges.some((r) => inRange(date, r.start, r.end ?? r.start));
}

function inRange(date: LocalDate, startText: string, endText: string): boolean {
  const start = parseCalendarDate(startText);
  const end = parseCalendarDate(endText);
  if (!start || !end) return false;
  if (start.year !== null && end.year !== null) {
    const s = { year: start.year, month: start.month, day: start.day };
    const e = { year: end.year, month: end.month, day: end.day };
    return compareDates(date, s) >= 0 && compareDates(date, e) <= 0;
  }
  // Every year: compare month-day; a range whose end is before its start wraps over the new year.
  const md = date.month * 100 + date.day;
  const s = start.month * 100 + start.day;
  const e = end.month * 100 + end.day;
  return s <= e ? md >= s && md <= e : md >= s || md <= e;
}

export function scheduleRunsOn(schedule: LightingSchedule, date: LocalDate): boolean {
  const rules = schedule.calendars ?? [];
  return rules.length === 0 || rules.some((r) => calendarMatches(r, date));
}

export interface ResolvedStep {
  readonly at: number;
  readonly level: number;
}

/** The steps of a schedule resolved to instants for one period, sorted by time. */
export function resolveSteps(
  schedule: LightingSchedule,
  date: LocalDate,
  ctx: ScheduleContext,
): ResolvedStep[] {
  const type = periodTypeOf(schedule);
  const events = new Map<string, ReturnType<typeof sunEvents>>();
  const sun = (d: LocalDate) => {
    const key = `${d.year}-${d.month}-${d.day}`;
    let e = events.get(key);
    if (!e) {
      e = sunEvents(ctx.location, d.year, d.month, d.day);
      events.set(key, e);
    }
    return e;
  };
  const steps: ResolvedStep[] = [];
  for (const step of schedule.steps) {
    const t = parseTimeExpression(step.at);
    if (!t) continue;
    let at: number | null;
    switch (t.kind) {
      case 'fixed': {
        const day = type === 'night' && t.seconds < NOON_S ? addDays(date, 1) : date;
        at = localTimeToUtc(ctx.timeZone, day, t.seconds);
        break;
      }
      case 'sunset': {
        const s = sun(date).sunset;
        at = s === null ? null : s + t.offsetMinutes * 60_000;
        break;
      }
      case 'sunrise': {
        const r = sun(type === 'night' ? addDays(date, 1) : date).sunrise;
        at = r === null ? null : r + t.offsetMinutes * 60_000;
        break;
      }
    }
    if (at !== null) steps.push({ at, level: step.level });
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** A schedule's own output at an instant: a level, or null when it is not running. */
export function scheduleLevelAt(schedule: LightingSchedule, at: number, ctx: ScheduleContext): number | null {
  if (schedule.enabled === false) return null;
  const type = periodTypeOf(schedule);
  const date = periodDateOf(type, ctx.timeZone, at);
  if (!scheduleRunsOn(schedule, date)) return schedule.offWhenInactive ? 0 : null;
  const steps = resolveSteps(schedule, date, ctx);
  const last = steps[steps.length - 1];
  if (!last) return null;
  let level = last.level;
  for (const s of steps) {
    if (s.at <= at) level = s.level;
    else break;
  }
  return level;
}

export interface ProgramOutput {
  /** Null: no schedule runs (the controller keeps its own default). */
  readonly level: number | null;
  /** The schedule that decided the level (the first applied). */
  readonly schedule: string | null;
}

/** Schedules in evaluation order: priority ascending, then as listed. */
export function byPriority(program: LightingProgram): LightingSchedule[] {
  return program.schedules
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || a.i - b.i)
    .map((x) => x.s);
}

export function combine(op: OutputOperation, acc: number, level: number): number {
  switch (op) {
    case 'set':
      return level;
    case 'min':
      return Math.min(acc, level);
    case 'max':
      return Math.max(acc, level);
    case 'add':
      return acc + level;
    case 'subtract':
      return acc - level;
    case 'multiply':
      // Levels are percentages: multiplying by 50 % halves.
      return (acc * level) / 100;
  }
}

/** The program's output at an instant. */
export function programOutputAt(program: LightingProgram, at: number, ctx: ScheduleContext): ProgramOutput {
  let acc: number | null = null;
  let decider: string | null = null;
  let compounding = false;
  for (const schedule of byPriority(program)) {
    const level = scheduleLevelAt(schedule, at, ctx);
    if (level === null) continue;
    if (acc === null) {
      acc = level;
      decider = schedule.name;
    } else if (compounding) {
      acc = combine(schedule.operation ?? 'set', acc, level);
    } else break;
    compounding = schedule.compound === true;
    if (!compounding) break;
  }
  return {
    level: acc === null ? null : Math.round(Math.min(100, Math.max(0, acc)) * 100) / 100,
    schedule: decider,
  };
}

export interface LevelChange {
  /** UTC ms. */
  readonly at: number;
  readonly level: number | null;
  readonly previous: number | null;
  readonly schedule: string | null;
  /** Fade of the deciding schedule's transition (3456/1), 0 when immediate. */
  readonly fadeSeconds: number;
}

export interface SchedulePreview {
  readonly from: number;
  readonly to: number;
  /** Level at `from`. */
  readonly initial: ProgramOutput;
  readonly changes: readonly LevelChange[];
}

export const MAX_PREVIEW_HOURS = 24 * 14;

/**
 * The level changes of a program between `from` and `from + hours` (e.g. the next 48 h) at a place: every step
 * instant and period boundary of every schedule is a candidate; a change is listed when the output differs.
 */
export function schedulePreview(
  program: LightingProgram,
  location: GeoLocation,
  timeZone: string,
  from: number,
  hours: number,
): SchedulePreview {
  if (!(hours > 0 && hours <= MAX_PREVIEW_HOURS)) {
    throw new RangeError(`hours must be within 1..${MAX_PREVIEW_HOURS}`);
  }
  const ctx: ScheduleContext = { location, timeZone };
  const to = from + hours * 3600_000;
  const candidates = new Set<number>();
  for (const schedule of program.schedules) {
    const type = periodTypeOf(schedule);
    let date = addDays(periodDateOf(type, timeZone, from), -1);
    const last = addDays(periodDateOf(type, timeZone, to), 1);
    while (compareDates(date, last) <= 0) {
      const [start, end] = periodWindow(type, timeZone, date);
      candidates.add(start);
      candidates.add(end);
      for (const s of resolveSteps(schedule, date, ctx)) candidates.add(s.at);
      date = addDays(date, 1);
    }
  }
  const times = [...candidates].filter((t) => t > from && t < to).sort((a, b) => a - b);
  const initial = programOutputAt(program, from, ctx);
  const changes: LevelChange[] = [];
  let current = initial.level;
  const fadeOf = (name: string | null) => {
    const s = program.schedules.find((x) => x.name === name);
    return s?.transition && s.transition.curve !== 'immediate' ? s.transition.fadeSeconds : 0;
  };
  for (const t of times) {
    const out = programOutputAt(program, t, ctx);
    if (out.level === current) continue;
    changes.push({
      at: t,
      level: out.level,
      previous: current,
      schedule: out.schedule,
      fadeSeconds: fadeOf(out.schedule),
    });
    current = out.level;
  }
  return { from, to, initial, changes };
}
