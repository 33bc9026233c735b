import { timingSafeEqual } from 'node:crypto';

/**
 * Comparison of secret-derived bytes (verify_data, cookies, MACs) without an early exit. Lengths are public
 * (fixed by the protocol), so a length mismatch may return early.
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** All ones (-1) when a < b, else 0; for |a - b| < 2^31 (record lengths), branch-free. */
export function ltMask(a: number, b: number): number {
  return (a - b) >> 31;
}

/** All ones when a === b, else 0 (a, b small non-negative integers). */
export function eqMask(a: number, b: number): number {
  const d = a ^ b;
  return ((d - 1) >> 31) & ~(d >> 31);
}
