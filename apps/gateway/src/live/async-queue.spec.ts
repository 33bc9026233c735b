import { AsyncQueue } from './async-queue';

describe('AsyncQueue', () => {
  it('delivers pushed items in order, to a waiting and to a later reader', async () => {
    const q = new AsyncQueue<number>(10, () => undefined);
    const first = q.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('drops the oldest items beyond its capacity', async () => {
    const q = new AsyncQueue<number>(2, () => undefined);
    [1, 2, 3].forEach((n) => q.push(n));
    expect(q.dropped).toBe(1);
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('runs the cleanup once on return and ends a pending read', async () => {
    const onClose = jest.fn();
    const q = new AsyncQueue<number>(2, onClose);
    const pending = q.next();
    await q.return();
    await q.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
    q.push(1);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a consumer that falls a whole capacity behind, when asked to', async () => {
    const onClose = jest.fn();
    const onOverflow = jest.fn();
    const q = new AsyncQueue<number>(2, onClose, onOverflow);
    [1, 2, 3].forEach((n) => q.push(n));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});
