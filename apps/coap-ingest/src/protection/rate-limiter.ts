/**
 * Token buckets keyed by endpoint or tenant (in-process: source-address affinity of the load balancer keeps a
 * device on one instance, so per-endpoint limits hold; per-tenant limits are per instance). `take` returns 0
 * when the request may pass, otherwise the seconds until a token is available (the 4.29 Max-Age, RFC 8516).
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  take(key: string): number {
    if (this.ratePerSecond <= 0) return 0; // disabled
    const now = this.now();
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond));
  }

  /** Drops buckets that have refilled completely: they behave exactly like absent ones. */
  private sweep(now: number): void {
    const fullAfterMs = (this.burst / this.ratePerSecond) * 1000;
    if (now - this.lastSweep < Math.max(10_000, fullAfterMs)) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > fullAfterMs) this.buckets.delete(key);
  }
}
