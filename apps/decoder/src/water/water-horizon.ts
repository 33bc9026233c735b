import { addDays, datesBetween, type LocalDate, localDateOf, localTimeToUtc } from './local-time';
import { nightWindow } from './night-flow';
import { type WaterSettings } from './water-settings';

const HOUR_MS = 3_600_000;

/** What one run of the water job recomputes for a tenant, and which rollup hours it reads for that. */
export interface RecomputePlan {
  /** Complete nights to recompute, oldest first; holds every night of `days` too (an area day needs its night). */
  readonly nights: readonly LocalDate[];
  /** Complete local days to recompute, oldest first. */
  readonly days: readonly LocalDate[];
  /** ms; rollup hours from here (a reading before the first instant gives its volume by interpolation). */
  readonly readFrom: number;
  /** ms, exclusive; a reading after the last instant closes its interval. */
  readonly readTo: number;
  /** ms; alarm transitions before this were applied by earlier runs (nothing before it changed). */
  readonly since: number;
  /** The pending hours (bucket starts, ms) whose nights and days are all complete: done after this run. */
  readonly consumed: readonly number[];
}

interface Period {
  readonly date: LocalDate;
  readonly start: number;
  readonly end: number;
}

/**
 * The nights and days a run recomputes: those complete at `now`, within the last `horizonDays`, and touched by a
 * rollup hour written since the last run (`pending`, bucket starts in ms), or all of them when `all` (an area
 * changed). An hour touches a period when it lies within maxReadingGap of it: its readings can be the ones a volume
 * at the period's ends is interpolated from. A night still in progress or a day not yet over waits (a partial
 * minimum or volume would raise or clear on half the data); so does the pending mark of an hour that touches one.
 * Undefined when there is nothing to recompute.
 */
export function recomputePlan(
  settings: WaterSettings,
  now: number,
  pending: readonly number[],
  all = false,
): RecomputePlan | undefined {
  const today = localDateOf(settings.timeZone, now);
  const first = addDays(today, -settings.horizonDays);
  const gap = settings.maxReadingGapMs;
  const dayOf = (date: LocalDate): Period => ({
    date,
    start: localTimeToUtc(settings.timeZone, date, 0),
    end: localTimeToUtc(settings.timeZone, addDays(date, 1), 0),
  });
  const nightOf = (date: LocalDate): Period => {
    const w = nightWindow(settings, date);
    return { date, start: w.start, end: w.end };
  };
  const touches = (p: Period, bucket: number) => bucket - gap < p.end && bucket + HOUR_MS + gap > p.start;

  const nights = new Set<LocalDate>();
  const days = new Set<LocalDate>();
  const consumed: number[] = [];
  const horizonNights = datesBetween(first, today).map(nightOf);
  const horizonDays = datesBetween(first, addDays(today, -1)).map(dayOf);
  for (const n of all ? horizonNights.filter((p) => p.end <= now) : []) nights.add(n.date);
  for (const d of all ? horizonDays : []) days.add(d.date);
  for (const bucket of pending) {
    // The dates whose periods the hour can touch: its own local dates, a day either side (windows crossing
    // midnight, the reading gap).
    const around = datesBetween(
      addDays(localDateOf(settings.timeZone, bucket - gap), -1),
      addDays(localDateOf(settings.timeZone, bucket + HOUR_MS + gap), 1),
    );
    let complete = true;
    for (const p of around.map(nightOf)) {
      if (!touches(p, bucket)) continue;
      if (p.end > now) complete = false;
      else if (p.date >= first) nights.add(p.date);
    }
    for (const p of around.map(dayOf)) {
      if (!touches(p, bucket)) continue;
      if (p.end > now) complete = false;
      else if (p.date >= first) days.add(p.date);
    }
    if (complete) consumed.push(bucket);
  }
  for (const d of days) nights.add(d);
  if (nights.size === 0) return consumed.length > 0 ? nothingBut(consumed, now) : undefined;

  const nightList = [...nights].sort();
  const dayList = [...days].sort();
  const starts = [...nightList.map((n) => nightOf(n).start), ...dayList.map((d) => dayOf(d).start)];
  const ends = [...nightList.map((n) => nightOf(n).end), ...dayList.map((d) => dayOf(d).end)];
  return {
    nights: nightList,
    days: dayList,
    readFrom: floorHour(Math.min(...starts) - gap),
    readTo: Math.min(floorHour(now) + HOUR_MS, Math.max(...ends) + gap),
    // Every transition of a recomputed night or day is at or after the end of its night window.
    since: nightOf(nightList[0]!).end,
    consumed,
  };
}

/** Only marks to drop (hours older than the horizon): nothing is read or recomputed. */
function nothingBut(consumed: readonly number[], now: number): RecomputePlan {
  return { nights: [], days: [], readFrom: now, readTo: now, since: now, consumed };
}

function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}
