/**
 * Time expressions of the uCIFI Program Function (object 3454, resources 1 "Run Condition" and 4 "Time Input
 * Array"): `hh:mm` (or `hh:mm:ss`, which needs the Program Manager capability bit 7 "Second granularity"),
 * `S+30` = sunset plus 30 minutes, `R-20` = sunrise minus 20 minutes (`S`, `R` alone: offset 0).
 */

export type TimeExpression =
  | { readonly kind: 'fixed'; readonly seconds: number }
  | { readonly kind: 'sunset' | 'sunrise'; readonly offsetMinutes: number };

/** Astronomical offsets beyond half a day would move an event into another period. */
export const MAX_OFFSET_MINUTES = 720;

const FIXED = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;
const ASTRO = /^([SR])(?:([+-])(\d{1,3}))?$/;

/** Parses one expression; null when it is not valid. */
export function parseTimeExpression(text: string): TimeExpression | null {
  const s = text.trim();
  const f = FIXED.exec(s);
  if (f) return { kind: 'fixed', seconds: Number(f[1]) * 3600 + Number(f[2]) * 60 + Number(f[3] ?? 0) };
  const a = ASTRO.exec(s);
  if (a) {
    const offset = a[3] === undefined ? 0 : Number(a[3]) * (a[2] === '-' ? -1 : 1);
    if (Math.abs(offset) > MAX_OFFSET_MINUTES) return null;
    return { kind: a[1] === 'S' ? 'sunset' : 'sunrise', offsetMinutes: offset };
  }
  return null;
}

/** The uCIFI text of an expression (`S+30`, `R-15`, `00:00`, `06:30:15`). */
export function formatTimeExpression(t: TimeExpression): string {
  if (t.kind === 'fixed') {
    const p = (n: number) => String(n).padStart(2, '0');
    const h = Math.floor(t.seconds / 3600);
    const m = Math.floor((t.seconds % 3600) / 60);
    const sec = t.seconds % 60;
    return sec === 0 ? `${p(h)}:${p(m)}` : `${p(h)}:${p(m)}:${p(sec)}`;
  }
  const letter = t.kind === 'sunset' ? 'S' : 'R';
  if (t.offsetMinutes === 0) return letter;
  return `${letter}${t.offsetMinutes > 0 ? '+' : '-'}${Math.abs(t.offsetMinutes)}`;
}

export function isAstronomical(t: TimeExpression): boolean {
  return t.kind !== 'fixed';
}
