import { FakeClock } from '../time/fake-clock';
import { DedupCache } from './dedup-cache';

describe('DedupCache', () => {
  it('remembers an entry for at least half and at most one lifetime', () => {
    const clock = new FakeClock(0);
    const cache = new DedupCache<number>(1000, 100, clock);
    cache.set('a', 1);
    clock.advance(499);
    expect(cache.get('a')).toBe(1);
    clock.advance(1);
    cache.set('b', 2); // rotation: 'a' moves to the previous generation
    expect(cache.get('a')).toBe(1);
    clock.advance(500);
    expect(cache.get('a')).toBeUndefined(); // second rotation (also on a read): 'a' is gone
    expect(cache.get('b')).toBe(2);
  });

  it('stays bounded by rotating early when full', () => {
    const cache = new DedupCache<number>(1_000_000, 10, new FakeClock());
    for (let i = 0; i < 1000; i++) cache.set(String(i), i);
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('999')).toBe(999);
  });

  it('updates an entry in place wherever it lives', () => {
    const clock = new FakeClock(0);
    const cache = new DedupCache<string>(1000, 100, clock);
    cache.set('k', 'pending');
    clock.advance(600);
    cache.set('x', 'other');
    cache.update('k', 'done');
    expect(cache.get('k')).toBe('done');
    cache.delete('k');
    expect(cache.get('k')).toBeUndefined();
  });
});
