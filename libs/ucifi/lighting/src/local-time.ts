/**
 * Wall-clock time of an IANA time zone through `Intl.DateTimeFormat` (the zone rules of the runtime's ICU data):
 * no zone table of our own, so DST changes (Europe/Paris: last Sunday of March 02:00 -> 03:00, last Sunday of
 * October 03:00 -> 02:00) follow the runtime.
 */

/** A calendar date (proleptic Gregorian), month 1-12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the zone (e.g. "Europe/Paris", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function wallClock(timeZone: string, utcMs: number): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in ms (Europe/Paris in July: +7 200 000). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const w = wallClock(timeZone, utcMs);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The local date of an instant in a zone. */
export function localDateOf(timeZone: string, utcMs: number): LocalDate {
  const w = wallClock(timeZone, utcMs);
  return { year: w.year, month: w.month, day: w.day };
}

/** Seconds since local midnight of an instant in a zone. */
export function localSecondsOf(timeZone: string, utcMs: number): number {
  const w = wallClock(timeZone, utcMs);
  return w.hour * 3600 + w.minute * 60 + w.second;
}

/**
 * The instant of a local wall-clock time. A time inside a spring-forward gap (02:30 on the last Sunday of March in
 * Paris) does not exist: it is taken with the offset before the change, so it lands after the gap (03:30). A time
 * repeated in autumn (02:30 twice) gives its first occurrence.
 */
export function localTimeToUtc(timeZone: string, date: LocalDate, secondsOfDay: number): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day) + secondsOfDay * 1000;
  // The offset before the time (12 h earlier) and after it: equal except near a change.
  const before = zoneOffsetMs(timeZone, naive - 12 * 3600_000);
  const after = zoneOffsetMs(timeZone, naive + 12 * 3600_000);
  const first = naive - before;
  if (before === after) return first;
  // Near a change: the first candidate that reads back as the asked wall time, else (gap) the earlier offset.
  for (const offset of [before, after]) {
    const t = naive - offset;
    if (zoneOffsetMs(timeZone, t) === offset) return t;
  }
  return first;
}

/** The date n days after (or before) a date. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** yyyy-mm-dd */
export function formatDate(date: LocalDate): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(date.year, 4)}-${p(date.month)}-${p(date.day)}`;
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}
