export interface BatchAccumulatorOptions {
  /** A batch is flushed as soon as it weighs this much (values). */
  readonly maxWeight: number;
  /** ...or this long after its first item arrived (ms). */
  readonly lingerMs: number;
  /** Flushes running at the same time (default 1). More lets the database work on several batches at once. */
  readonly maxConcurrentFlushes?: number;
}

interface Submission<T> {
  readonly items: readonly T[];
  readonly weight: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * Joins the work of concurrently consumed partitions into database-sized batches: each submitter waits until
 * the batch holding its items was flushed (written, published). At most maxConcurrentFlushes run at once; while
 * they run, the next batch fills. A submission is never split, so callers submit chunks of at most maxWeight.
 */
export class BatchAccumulator<T> {
  private pending: Submission<T>[] = [];
  private pendingWeight = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly flushes = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: BatchAccumulatorOptions,
    private readonly flushFn: (items: T[]) => Promise<void>,
  ) {}

  /** Resolves when the items were flushed; rejects with the flush's error. */
  submit(items: readonly T[], weight: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batch accumulator is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, weight, resolve, reject });
      this.pendingWeight += weight;
      this.schedule();
    });
  }

  /** Items waiting for the next flush (metrics). */
  get queuedWeight(): number {
    return this.pendingWeight;
  }

  /** Flushes what is queued and waits for it; later submissions are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.length > 0 || this.inFlight > 0) {
      if (this.pending.length > 0 && this.inFlight < this.maxConcurrent) this.startFlush();
      else await Promise.race(this.flushes);
    }
  }

  private get maxConcurrent(): number {
    return this.options.maxConcurrentFlushes ?? 1;
  }

  private schedule(): void {
    if (this.inFlight >= this.maxConcurrent) return; // a running flush reschedules when it ends
    if (this.pendingWeight >= this.options.maxWeight) {
      this.startFlush();
    } else if (!this.timer && this.pending.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.inFlight < this.maxConcurrent) this.startFlush();
      }, this.options.lingerMs);
    }
  }

  private startFlush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch: Submission<T>[] = [];
    let weight = 0;
    while (
      this.pending.length > 0 &&
      (batch.length === 0 || weight + this.pending[0]!.weight <= this.options.maxWeight)
    ) {
      const next = this.pending.shift()!;
      batch.push(next);
      weight += next.weight;
    }
    this.pendingWeight -= weight;
    if (batch.length === 0) return;
    const items: T[] = [];
    for (const s of batch) for (const item of s.items) items.push(item);
    this.inFlight++;
    const settle = (err?: Error) => {
      // The next batch starts before the submitters hear back, so it is already filling when they move on.
      this.inFlight--;
      this.flushes.delete(tracked);
      this.schedule();
      for (const s of batch) {
        if (err) s.reject(err);
        else s.resolve();
      }
    };
    let flush: Promise<void>;
    try {
      flush = this.flushFn(items);
    } catch (err) {
      flush = Promise.reject(err);
    }
    const tracked: Promise<void> = flush.then(
      () => settle(),
      (err: unknown) => settle(err instanceof Error ? err : new Error(String(err))),
    );
    this.flushes.add(tracked);
  }
}
