/** Loads many keys at once; a key missing from the result is answered with the loader's `absent` value. */
export type LoadMany<V> = (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;

export interface BatchLoaderOptions {
  /** Largest batch handed to `loadMany`. */
  readonly maxBatch: number;
  /** Batches in flight at once; keys asked for meanwhile wait for the next one (and so make it larger). */
  readonly maxConcurrent: number;
}

interface Waiter<V> {
  resolve(value: V): void;
  reject(err: unknown): void;
}

/**
 * Coalesces concurrent lookups into batches: the keys asked for within one turn of the event loop (every datagram
 * of a registration storm read in one poll phase), and all those asked for while `maxConcurrent` batches are out,
 * go to `loadMany` together. A key already waiting or in flight shares that lookup. One round trip then serves
 * hundreds of devices, instead of each device queueing for a connection of its own.
 */
export class BatchLoader<V> {
  private readonly queued = new Map<string, Waiter<V>[]>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly loadMany: LoadMany<V>,
    private readonly absent: V,
    private readonly options: BatchLoaderOptions,
  ) {}

  load(key: string): Promise<V> {
    const shared = this.inFlight.get(key);
    if (shared) return shared;
    const promise = new Promise<V>((resolve, reject) => {
      const waiters = this.queued.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.queued.set(key, [{ resolve, reject }]);
    });
    this.inFlight.set(key, promise);
    this.schedule();
    return promise;
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queued.size > 0 && this.running < this.options.maxConcurrent) {
      const batch = new Map<string, Waiter<V>[]>();
      for (const [key, waiters] of this.queued) {
        batch.set(key, waiters);
        this.queued.delete(key);
        if (batch.size >= this.options.maxBatch) break;
      }
      this.running++;
      void this.run(batch);
    }
  }

  private async run(batch: Map<string, Waiter<V>[]>): Promise<void> {
    try {
      const found = await this.loadMany([...batch.keys()]);
      for (const [key, waiters] of batch) {
        this.inFlight.delete(key);
        const value = found.has(key) ? (found.get(key) as V) : this.absent;
        for (const w of waiters) w.resolve(value);
      }
    } catch (err) {
      for (const [key, waiters] of batch) {
        this.inFlight.delete(key);
        for (const w of waiters) w.reject(err);
      }
    } finally {
      this.running--;
      if (this.queued.size > 0) this.schedule();
    }
  }
}
