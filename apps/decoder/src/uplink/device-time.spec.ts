import { type Measurement } from '@smartcity/ucifi-normalize';
import { checkDeviceTimes } from './device-time';

const bounds = { maxFutureSec: 300, maxPastSec: 86_400 };
const receivedAt = 1_764_000_000_000;
const at = (time: number, path = '/3303/0/5700'): Measurement =>
  ({ path, time, value: 1 }) as unknown as Measurement;

describe('checkDeviceTimes', () => {
  it.each([
    ['the receive time', receivedAt, false],
    ['the allowed skew ahead', receivedAt + 300_000, false],
    ['one ms beyond the skew', receivedAt + 300_001, true],
    ['the year 2100', 4_102_444_800_000, true],
    ['t=1e13 s (beyond to_timestamp)', 1e16, true],
    ['the floor', receivedAt - 86_400_000, false],
    ['below the floor', receivedAt - 86_400_001, true],
    ['1970 (a clock never set)', 5_000, true],
    ['NaN', NaN, true],
  ])('%s: replaced %s', (_name, time, replaced) => {
    const out = checkDeviceTimes([at(time)], receivedAt, receivedAt, bounds);
    expect(out.measurements[0]!.time).toBe(replaced ? receivedAt : time);
    expect(out.replaced[0] !== undefined).toBe(replaced);
    expect(out.future + out.past).toBe(replaced ? 1 : 0);
  });

  it('keeps one row per value of a replaced series: a microsecond apart per path, from the value time', () => {
    const first = receivedAt - 5000;
    const out = checkDeviceTimes(
      [at(1e16), at(2e16), at(receivedAt - 1000), at(3e16, '/3303/0/5601')],
      receivedAt,
      first,
      bounds,
    );
    expect(out.measurements.map((m) => m.time)).toEqual([first, first + 0.001, receivedAt - 1000, first]);
    expect(out.replaced).toEqual([1e13, 2e13, undefined, 3e13]);
    expect([out.future, out.past]).toEqual([3, 0]);
  });

  it('returns the input itself when every time is within bounds (no copy on the hot path)', () => {
    const input = [at(receivedAt)];
    expect(checkDeviceTimes(input, receivedAt, receivedAt, bounds).measurements).toBe(input);
  });
});
