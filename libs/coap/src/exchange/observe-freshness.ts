/** 2^23 and 128 s: the constants of the freshness rule of RFC 7641 §3.4. */
const HALF_SEQUENCE_SPACE = 1 << 23;
const FRESHNESS_WINDOW_MS = 128_000;

/**
 * RFC 7641 §3.4: a notification (V2, T2) is fresher than the last one (V1, T1) when
 * (V1 < V2 and V2 - V1 < 2^23) or (V1 > V2 and V1 - V2 > 2^23) or T2 > T1 + 128 s. Older ones must not
 * replace the current representation (they may still be recorded as history).
 */
export function isFresher(v1: number | undefined, t1: number, v2: number, t2: number): boolean {
  if (v1 === undefined) return true;
  if (v1 < v2 && v2 - v1 < HALF_SEQUENCE_SPACE) return true;
  if (v1 > v2 && v1 - v2 > HALF_SEQUENCE_SPACE) return true;
  return t2 > t1 + FRESHNESS_WINDOW_MS;
}
