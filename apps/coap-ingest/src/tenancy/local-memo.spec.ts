import { LocalMemo } from './local-memo';

describe('LocalMemo', () => {
  it('answers within its lifetime and forgets after it', () => {
    const memo = new LocalMemo<string>(1000, 10);
    memo.set('a', 'A', 0);
    expect(memo.get('a', 999)).toBe('A');
    expect(memo.get('a', 1000)).toBeUndefined();
  });

  it('drops expired entries as new ones arrive, so it holds one lifetime of keys, not every key seen', () => {
    const memo = new LocalMemo<number>(1000, 100_000);
    for (let i = 0; i < 5000; i++) memo.set(`k${i}`, i, i);
    expect(memo.size).toBe(1000);
    expect(memo.get('k4999', 4999)).toBe(4999);
  });

  it('stays within its bound by dropping the oldest entries', () => {
    const memo = new LocalMemo<number>(60_000, 3);
    for (let i = 0; i < 5; i++) memo.set(`k${i}`, i, 0);
    expect(memo.size).toBe(3);
    expect(memo.get('k0', 0)).toBeUndefined();
    expect(memo.get('k4', 0)).toBe(4);
  });

  it('keeps nothing with a lifetime of 0', () => {
    const memo = new LocalMemo<number>(0, 10);
    memo.set('a', 1, 0);
    expect(memo.get('a', 0)).toBeUndefined();
  });
});
