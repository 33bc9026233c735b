import { type Clock } from '@smartcity/coap';

/**
 * A token bucket per IP address on the injected clock: `ratePerSecond` tokens refill continuously up to `burst`.
 * Only addresses that passed the cookie exchange reach it (RFC 6347 §4.2.1), so spoofed floods cannot fill it.
 */
export class AddressRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxAddresses: number,
  ) {}

  take(address: string): boolean {
    const now = this.clock.now();
    let b = this.buckets.get(address);
    if (b) {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
      b.at = now;
      // Re-insert so Map order stays least-recently-used first.
      this.buckets.delete(address);
    } else {
      if (this.buckets.size >= this.maxAddresses) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.burst, at: now };
    }
    this.buckets.set(address, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets buckets that have refilled completely (they behave like new ones). */
  sweep(): void {
    const now = this.clock.now();
    for (const [address, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(address);
    }
  }

  get tracked(): number {
    return this.buckets.size;
  }
}
