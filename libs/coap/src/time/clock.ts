/** A cancellable timer handle, opaque to callers. */
export interface TimerHandle {
  readonly id: unknown;
}

/**
 * Time as protocol code sees it: the current time and timers. Injected everywhere so retransmission,
 * expiry and rate logic run on fake time in tests instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The process clock. Timers do not keep the process alive (`unref`): protocol timers never should. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return { id: timer };
  },
  clearTimeout(handle) {
    if (handle) clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** A source of uniform random numbers in [0, 1), injected like the clock (Math.random by default). */
export type RandomSource = () => number;
