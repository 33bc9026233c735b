/**
 * The anti-replay sliding window of RFC 6347 §4.1.2.6 (RFC 4303 §3.4.3): a bitmap of the last 64 sequence
 * numbers below the highest one accepted. `check` is pure; `accept` is called only after the record
 * authenticated ("the receive window is updated only if the MAC verification succeeds").
 */
export const REPLAY_WINDOW_SIZE = 64;

export class ReplayWindow {
  /** Highest sequence number accepted, -1 before the first. */
  private highest = -1;
  /** Bit i set: sequence (highest - i) was accepted. Two 32-bit halves: bits 0..31 and 32..63. */
  private low = 0;
  private high = 0;

  /** 'ok' for a new number, 'replay' for one seen, 'old' for one left of the window. */
  check(seq: number): 'ok' | 'replay' | 'old' {
    if (seq > this.highest) return 'ok';
    const offset = this.highest - seq;
    if (offset >= REPLAY_WINDOW_SIZE) return 'old';
    return this.bit(offset) ? 'replay' : 'ok';
  }

  accept(seq: number): void {
    if (seq > this.highest) {
      this.shift(this.highest < 0 ? REPLAY_WINDOW_SIZE : seq - this.highest);
      this.highest = seq;
      this.low |= 1;
      return;
    }
    const offset = this.highest - seq;
    if (offset < 32) this.low |= 1 << offset;
    else if (offset < REPLAY_WINDOW_SIZE) this.high |= 1 << (offset - 32);
  }

  /** The highest accepted sequence number (-1 before any). */
  get latest(): number {
    return this.highest;
  }

  private bit(offset: number): boolean {
    return offset < 32 ? (this.low & (1 << offset)) !== 0 : (this.high & (1 << (offset - 32))) !== 0;
  }

  private shift(n: number): void {
    if (n >= REPLAY_WINDOW_SIZE) {
      this.low = 0;
      this.high = 0;
    } else if (n >= 32) {
      this.high = n === 32 ? this.low : this.low << (n - 32);
      this.low = 0;
    } else if (n > 0) {
      this.high = (this.high << n) | (this.low >>> (32 - n));
      this.low = this.low << n;
    }
  }
}
