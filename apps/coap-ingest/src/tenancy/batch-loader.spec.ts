import { BatchLoader } from './batch-loader';

/** A loader that records its batches and answers when told to. */
function recordingLoader() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const loadMany = (keys: readonly string[]) => {
    batches.push([...keys]);
    return new Promise<Map<string, string>>((resolve) =>
      releases.push(() =>
        resolve(new Map(keys.filter((k) => k !== 'unknown').map((k) => [k, k.toUpperCase()]))),
      ),
    );
  };
  return { batches, releases, loadMany };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('BatchLoader', () => {
  it('coalesces the lookups of one turn of the event loop into one batch', async () => {
    const { batches, releases, loadMany } = recordingLoader();
    const loader = new BatchLoader(loadMany, null, { maxBatch: 100, maxConcurrent: 1 });
    const results = Promise.all(['a', 'b', 'c'].map((k) => loader.load(k)));
    await nextTurn();
    releases.shift()!();
    await expect(results).resolves.toEqual(['A', 'B', 'C']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('answers a key missing from the result with the absent value', async () => {
    const { releases, loadMany } = recordingLoader();
    const loader = new BatchLoader(loadMany, null, { maxBatch: 100, maxConcurrent: 1 });
    const result = loader.load('unknown');
    await nextTurn();
    releases.shift()!();
    await expect(result).resolves.toBeNull();
  });

  it('shares one lookup between concurrent callers of the same key', async () => {
    const { batches, releases, loadMany } = recordingLoader();
    const loader = new BatchLoader(loadMany, null, { maxBatch: 100, maxConcurrent: 1 });
    const first = loader.load('a');
    await nextTurn();
    const second = loader.load('a');
    releases.shift()!();
    await expect(Promise.all([first, second])).resolves.toEqual(['A', 'A']);
    expect(batches).toEqual([['a']]);
  });

  it('queues keys while the concurrent batches are out and sends them together in the next one', async () => {
    const { batches, releases, loadMany } = recordingLoader();
    const loader = new BatchLoader(loadMany, null, { maxBatch: 100, maxConcurrent: 1 });
    const first = loader.load('a');
    await nextTurn();
    const later = Promise.all(['b', 'c', 'd'].map((k) => loader.load(k)));
    await nextTurn();
    expect(batches).toEqual([['a']]);
    releases.shift()!();
    await first;
    await nextTurn();
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    releases.shift()!();
    await expect(later).resolves.toEqual(['B', 'C', 'D']);
  });

  it('splits batches at maxBatch', async () => {
    const { batches, releases, loadMany } = recordingLoader();
    const loader = new BatchLoader(loadMany, null, { maxBatch: 2, maxConcurrent: 2 });
    const results = Promise.all(['a', 'b', 'c'].map((k) => loader.load(k)));
    await nextTurn();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    releases.forEach((release) => release());
    await expect(results).resolves.toEqual(['A', 'B', 'C']);
  });

  it('rejects every caller of a failed batch, and a later lookup tries again', async () => {
    let fail = true;
    const loader = new BatchLoader(
      async (keys) => {
        if (fail) throw new Error('database unavailable');
        return new Map(keys.map((k) => [k, k]));
      },
      null,
      { maxBatch: 100, maxConcurrent: 1 },
    );
    await expect(Promise.all([loader.load('a'), loader.load('b')])).rejects.toThrow('database unavailable');
    fail = false;
    await expect(loader.load('a')).resolves.toBe('a');
  });
});
