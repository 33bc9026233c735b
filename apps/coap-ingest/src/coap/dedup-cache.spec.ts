import { DedupCache } from './dedup-cache';

describe('DedupCache', () => {
  it('remembers an entry for at least half and at most one lifetime', () => {
    let now = 0;
    const cache = new DedupCache<number>(1000, 100, () => now);
    cache.set('a', 1);
    now = 499;
    expect(cache.get('a')).toBe(1);
    now = 500;
    cache.set('b', 2); // rotation: 'a' moves to the previous generation
    expect(cache.get('a')).toBe(1);
    now = 1000;
    cache.set('c', 3); // second rotation: 'a' is gone
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
  });

  it('stays bounded by rotating early when full', () => {
    const cache = new DedupCache<number>(1_000_000, 10);
    for (let i = 0; i < 1000; i++) cache.set(String(i), i);
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('999')).toBe(999);
  });

  it('updates an entry in place wherever it lives', () => {
    let now = 0;
    const cache = new DedupCache<string>(1000, 100, () => now);
    cache.set('k', 'pending');
    now = 600;
    cache.set('x', 'other');
    cache.update('k', 'done');
    expect(cache.get('k')).toBe('done');
  });
});
