import { DecoderError, DecoderErrorCode } from '../decoder.errors';
import { RetryPolicy } from './retry-policy';

const policy = new RetryPolicy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 });
const err = (code: DecoderErrorCode) => new DecoderError(code, 'x');

describe('RetryPolicy', () => {
  it.each([
    [DecoderErrorCode.ContractViolation, 1, 'dead-letter'],
    [DecoderErrorCode.PayloadUndecodable, 1, 'dead-letter'],
    [DecoderErrorCode.NormalizationFailed, 1, 'dead-letter'],
    [DecoderErrorCode.StorageRejected, 1, 'retry-message'],
    [DecoderErrorCode.StorageRejected, 2, 'retry-message'],
    [DecoderErrorCode.StorageRejected, 3, 'dead-letter'],
    [DecoderErrorCode.Unavailable, 1, 'retry-batch'],
    [DecoderErrorCode.Unavailable, 50, 'retry-batch'],
  ])('%s at attempt %d -> %s', (code, attempt, kind) => {
    expect(policy.decide(err(code), attempt).kind).toBe(kind);
  });

  it('gives unexpected errors the same attempts as storage rejections', () => {
    expect(policy.decide(new TypeError('bug'), 1).kind).toBe('retry-message');
    expect(policy.decide(new TypeError('bug'), 3).kind).toBe('dead-letter');
  });

  it.each([
    [1, 100],
    [2, 200],
    [4, 800],
    [5, 1000],
    [30, 1000],
  ])('backs off exponentially, capped: attempt %d waits %d ms', (attempt, ms) => {
    expect(policy.backoff(attempt)).toBe(ms);
  });
});
