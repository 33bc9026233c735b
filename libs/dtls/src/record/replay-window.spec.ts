import { ReplayWindow } from './replay-window';

describe('anti-replay window (RFC 6347 §4.1.2.6)', () => {
  it('accepts new numbers, refuses repeats, and numbers left of the 64-wide window', () => {
    const w = new ReplayWindow();
    expect(w.check(0)).toBe('ok');
    w.accept(0);
    expect(w.check(0)).toBe('replay');
    w.accept(100);
    expect(w.check(100)).toBe('replay');
    expect(w.check(37)).toBe('ok'); // 100 - 63: inside
    expect(w.check(36)).toBe('old'); // 100 - 64: outside
    w.accept(37);
    expect(w.check(37)).toBe('replay');
  });

  it('keeps out-of-order numbers inside the window distinct, across both 32-bit halves', () => {
    const w = new ReplayWindow();
    const order = [5, 3, 70, 40, 69, 7, 38, 71];
    for (const s of order) {
      expect(w.check(s)).toBe('ok');
      w.accept(s);
    }
    for (const s of [70, 40, 69, 38, 71]) expect(w.check(s)).toBe('replay');
    for (const s of [39, 41, 68, 60]) expect(w.check(s)).toBe('ok');
    expect(w.latest).toBe(71);
  });

  it('moves only when told (a record that failed authentication leaves it untouched)', () => {
    const w = new ReplayWindow();
    w.accept(10);
    expect(w.check(11)).toBe('ok');
    expect(w.check(11)).toBe('ok');
    expect(w.latest).toBe(10);
  });

  it('handles shifts of exactly 32 and 64 and large jumps', () => {
    const w = new ReplayWindow();
    w.accept(0);
    w.accept(32);
    expect(w.check(0)).toBe('replay');
    w.accept(95);
    expect(w.check(32)).toBe('replay'); // offset 63: the window's last bit
    expect(w.check(0)).toBe('old');
    w.accept(96);
    expect(w.check(32)).toBe('old'); // offset 64
    w.accept(2 ** 48 - 1);
    expect(w.check(96)).toBe('old');
    expect(w.check(2 ** 48 - 2)).toBe('ok');
  });
});
