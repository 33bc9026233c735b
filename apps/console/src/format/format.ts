/**
 * Display formatting of the values the gateway returns: units, ages, times in the city's time zone. Pure functions
 * (no DOM, no React), so the repository's Jest unit project tests them like any other library code.
 */

/** Units as the uCIFI/IPSO models spell them, shown the way an operator reads them. */
const UNIT_LABELS: Readonly<Record<string, string>> = {
  Cel: '°C',
  '%': '%',
  '/100': '%',
  '%RH': '%RH',
  m3: 'm³',
  'm3/h': 'm³/h',
  'ug/m3': 'µg/m³',
  'µg/m3': 'µg/m³',
  kWh: 'kWh',
  Wh: 'Wh',
  W: 'W',
  V: 'V',
  A: 'A',
  lx: 'lx',
  dB: 'dB',
  hPa: 'hPa',
  ppm: 'ppm',
  s: 's',
  h: 'h',
};

export function unitLabel(unit: string | null | undefined): string {
  if (!unit) return '';
  return UNIT_LABELS[unit] ?? unit;
}

/** Significant decimals for a measurement: integers stay integers, others keep at most `maxDecimals`. */
export function formatNumber(value: number, maxDecimals = 2, locale = 'en-GB'): string {
  if (!Number.isFinite(value)) return String(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: maxDecimals }).format(value);
}

export interface ValueLike {
  readonly valueNum?: number | null;
  readonly valueBool?: boolean | null;
  readonly valueText?: string | null;
  readonly valueJson?: unknown;
  readonly unit?: string | null;
}

/** One resource value with its unit, e.g. "21.5 °C", "on", "—" when the resource has no value. */
export function formatValue(v: ValueLike, locale = 'en-GB'): string {
  if (v.valueNum !== null && v.valueNum !== undefined) {
    const unit = unitLabel(v.unit);
    const n = formatNumber(v.valueNum, 2, locale);
    if (!unit) return n;
    return unit === '%' ? `${n} %` : `${n} ${unit}`;
  }
  if (v.valueBool !== null && v.valueBool !== undefined) return v.valueBool ? 'on' : 'off';
  if (v.valueText !== null && v.valueText !== undefined) return v.valueText;
  if (v.valueJson !== null && v.valueJson !== undefined) return JSON.stringify(v.valueJson);
  return '—';
}

/**
 * Age of a value relative to `now`: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". A time in the future
 * (clock skew between device, server and browser) reads "just now" rather than a negative age.
 */
export function formatAge(time: string | Date, now: Date = new Date()): string {
  const t = typeof time === 'string' ? new Date(time) : time;
  const ms = now.getTime() - t.getTime();
  if (Number.isNaN(ms)) return 'unknown';
  const s = Math.floor(ms / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Live or stale: a value older than `staleAfterMs` is shown as stale (default 15 minutes). */
export function isStale(time: string | Date, now: Date = new Date(), staleAfterMs = 15 * 60_000): boolean {
  const t = typeof time === 'string' ? new Date(time) : time;
  return now.getTime() - t.getTime() > staleAfterMs;
}

/**
 * A timestamp in a given IANA time zone (the city's), 24 h clock, with the zone's short name so an operator in
 * another zone is not misled: "2026-12-06 22:15:03 CET".
 */
export function formatDateTime(time: string | Date, timeZone: string, locale = 'en-GB'): string {
  const t = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(t.getTime())) return 'invalid date';
  const parts = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(t);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

/** Telemetry bucket sizes the gateway accepts ("30s", "15m", "1h", "1d") and a sensible range for each. */
export const BUCKETS = [
  { bucket: '1m', label: '1 minute', rangeMs: 2 * 3600_000 },
  { bucket: '15m', label: '15 minutes', rangeMs: 24 * 3600_000 },
  { bucket: '1h', label: '1 hour', rangeMs: 7 * 24 * 3600_000 },
  { bucket: '1d', label: '1 day', rangeMs: 30 * 24 * 3600_000 },
] as const;

export type Bucket = (typeof BUCKETS)[number]['bucket'];

export function rangeFor(bucket: Bucket, now: Date = new Date()): { from: string; to: string } {
  const entry = BUCKETS.find((b) => b.bucket === bucket) ?? BUCKETS[2];
  return { from: new Date(now.getTime() - entry.rangeMs).toISOString(), to: now.toISOString() };
}

/** A percentage or an em dash when the KPI is not defined (e.g. no parking spots). */
export function formatPercent(value: number | null | undefined, locale = 'en-GB'): string {
  if (value === null || value === undefined) return '—';
  return `${formatNumber(value, 1, locale)} %`;
}
