import { GatewayErrorCode } from '../errors/gateway.exception';
import { checkRange, parseBucket } from './telemetry.query';

describe('parseBucket', () => {
  it.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604_800],
  ])('%s is %d seconds', (bucket, seconds) => {
    expect(parseBucket(bucket)).toBe(seconds);
  });

  it.each(['', '0s', '1w', '1 hour', '-1h', '1h; DROP TABLE telemetry', '400d'])('refuses %j', (bucket) => {
    expect(() => parseBucket(bucket)).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.BadUserInput }),
    );
  });
});

describe('checkRange', () => {
  const from = new Date('2026-01-01T00:00:00Z');
  const day = new Date('2026-01-02T00:00:00Z');
  it('accepts 24 hourly buckets', () => {
    expect(checkRange(from, day, '1h', 24)).toEqual({ from, to: day, bucketSeconds: 3600 });
  });
  it.each([
    ['an empty range', day, from, '1h', 100],
    ['more buckets than allowed', from, day, '1m', 100],
    ['an invalid date', new Date('x'), day, '1h', 100],
  ])('refuses %s', (_n, a, b, bucket, max) => {
    expect(() => checkRange(a, b, bucket, max)).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.BadUserInput }),
    );
  });
});
