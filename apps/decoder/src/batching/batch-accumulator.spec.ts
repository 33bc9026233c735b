import { BatchAccumulator } from './batch-accumulator';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('BatchAccumulator', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('flushes as soon as the batch reaches its maximum weight, without waiting for the linger', async () => {
    const flushed: number[][] = [];
    const acc = new BatchAccumulator<number>({ maxWeight: 3, lingerMs: 1000 }, async (items) => {
      flushed.push(items);
    });
    const a = acc.submit([1, 2], 2);
    const b = acc.submit([3], 1);
    await Promise.all([a, b]);
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  it('flushes a partial batch after the linger', async () => {
    const flushed: number[][] = [];
    const acc = new BatchAccumulator<number>({ maxWeight: 100, lingerMs: 50 }, async (items) => {
      flushed.push(items);
    });
    const done = acc.submit([7], 1);
    jest.advanceTimersByTime(49);
    await Promise.resolve();
    expect(flushed).toEqual([]);
    jest.advanceTimersByTime(1);
    await done;
    expect(flushed).toEqual([[7]]);
  });

  it('runs one flush at a time and queues what arrives meanwhile into the next batch', async () => {
    const gates = [deferred(), deferred(), deferred()];
    const flushed: number[][] = [];
    const acc = new BatchAccumulator<number>({ maxWeight: 2, lingerMs: 10 }, (items) => {
      flushed.push(items);
      return gates[flushed.length - 1]!.promise;
    });
    const first = acc.submit([1, 2], 2);
    const second = acc.submit([3, 4], 2);
    const third = acc.submit([5], 1);
    expect(flushed).toEqual([[1, 2]]);
    gates[0]!.resolve();
    await first;
    expect(flushed).toEqual([
      [1, 2],
      [3, 4],
    ]);
    gates[1]!.resolve();
    await second;
    jest.advanceTimersByTime(10);
    gates[2]!.resolve();
    await expect(third).resolves.toBeUndefined();
    expect(flushed).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every submitter of a failed flush with its error', async () => {
    const acc = new BatchAccumulator<number>({ maxWeight: 2, lingerMs: 10 }, () =>
      Promise.reject(new Error('db down')),
    );
    const a = acc.submit([1], 1);
    const b = acc.submit([2], 1);
    await expect(a).rejects.toThrow('db down');
    await expect(b).rejects.toThrow('db down');
  });

  it('never splits a submission, even one heavier than the maximum', async () => {
    const flushed: number[][] = [];
    const acc = new BatchAccumulator<number>({ maxWeight: 2, lingerMs: 10 }, async (items) => {
      flushed.push(items);
    });
    await acc.submit([1, 2, 3, 4], 4);
    expect(flushed).toEqual([[1, 2, 3, 4]]);
  });

  it('close() flushes what is queued and refuses later submissions', async () => {
    const flushed: number[][] = [];
    const acc = new BatchAccumulator<number>({ maxWeight: 100, lingerMs: 10_000 }, async (items) => {
      flushed.push(items);
    });
    const pending = acc.submit([1], 1);
    await acc.close();
    await pending;
    expect(flushed).toEqual([[1]]);
    await expect(acc.submit([2], 1)).rejects.toThrow(/closed/);
  });
});

describe('BatchAccumulator with concurrent flushes', () => {
  it('runs up to maxConcurrentFlushes batches at once', async () => {
    const gates: Array<() => void> = [];
    const flushed: number[][] = [];
    const acc = new BatchAccumulator<number>(
      { maxWeight: 1, lingerMs: 1000, maxConcurrentFlushes: 2 },
      (items) => {
        flushed.push(items);
        return new Promise<void>((resolve) => gates.push(resolve));
      },
    );
    const done = [acc.submit([1], 1), acc.submit([2], 1), acc.submit([3], 1)];
    expect(flushed).toEqual([[1], [2]]);
    gates[0]!();
    await done[0];
    expect(flushed).toEqual([[1], [2], [3]]);
    gates[1]!();
    gates[2]!();
    await Promise.all(done);
  });
});
