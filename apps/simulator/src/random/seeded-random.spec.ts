import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const seq = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.next()
        )(new SeededRandom(seed)),
      );
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
  });

  it('forks independent, reproducible streams by label', () => {
    const a = new SeededRandom(1).fork('lyon-sl-0001');
    const b = new SeededRandom(1).fork('lyon-sl-0001');
    const c = new SeededRandom(1).fork('lyon-sl-0002');
    expect(a.next()).toBe(b.next());
    expect(a.next()).not.toBe(c.next());
  });

  it('stays within bounds and follows weights roughly', () => {
    const r = new SeededRandom(7);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      counts[
        r.weighted([
          ['a', 3],
          ['b', 1],
        ] as const)
      ]++;
    }
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
    expect(r.int(3, 5)).toBeGreaterThanOrEqual(3);
  });
});
