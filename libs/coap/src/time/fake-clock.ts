import { type Clock, type TimerHandle } from './clock';

interface FakeTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests: time moves only through `advance`, which fires due timers in time order (and, for
 * equal times, in the order they were set), including timers set by the callbacks themselves.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: FakeTimer = {
      at: this.current + Math.max(0, delayMs),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return { id: timer };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) (handle.id as FakeTimer).cancelled = true;
  }

  /** Timers set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: FakeTimer | undefined;
      for (const t of this.timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.cancelled = true;
      next.callback();
    }
    this.current = target;
  }

  /** Advances in steps, letting promise callbacks run between them (for async code under test). */
  async advanceAsync(ms: number, stepMs = Math.max(1, Math.floor(ms / 20))): Promise<void> {
    let left = ms;
    while (left > 0) {
      const step = Math.min(stepMs, left);
      this.advance(step);
      left -= step;
      await flushMicrotasks();
    }
    await flushMicrotasks();
  }
}

/** Lets queued promise callbacks run (a few rounds, for chains of awaits). */
export async function flushMicrotasks(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
