import { DecoderError, DecoderErrorCode } from '../decoder.errors';

export type FailureDecision =
  /** Infrastructure failure: retry the whole batch after a backoff, without counting against any message. */
  | { readonly kind: 'retry-batch'; readonly delayMs: number }
  /** This message failed on its own: try it again (alone) after the delay. */
  | { readonly kind: 'retry-message'; readonly delayMs: number }
  /** Give up on the message: it goes to the DLQ and its partition moves on. */
  | { readonly kind: 'dead-letter' };

export interface RetryPolicyOptions {
  /** Attempts a message gets (first included) before it is dead-lettered. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * What to do after a failure. Deterministic decoding failures (contract, codec, normalization) are dead-lettered
 * at once: the same bytes fail the same way, retrying only delays the partition. Storage rejections and
 * unexpected errors get maxAttempts tries. Unavailable dependencies never dead-letter a message: the batch waits
 * (exponential backoff, capped) until the database or Kafka is back, so nothing is lost to an outage.
 */
export class RetryPolicy {
  constructor(private readonly options: RetryPolicyOptions) {}

  decide(error: unknown, attempt: number): FailureDecision {
    const code = error instanceof DecoderError ? error.code : undefined;
    switch (code) {
      case DecoderErrorCode.Unavailable:
        return { kind: 'retry-batch', delayMs: this.backoff(attempt) };
      case DecoderErrorCode.ContractViolation:
      case DecoderErrorCode.PayloadUndecodable:
      case DecoderErrorCode.NormalizationFailed:
        return { kind: 'dead-letter' };
      case DecoderErrorCode.StorageRejected:
      case undefined:
        return attempt >= this.options.maxAttempts
          ? { kind: 'dead-letter' }
          : { kind: 'retry-message', delayMs: this.backoff(attempt) };
    }
  }

  /** base * 2^(attempt-1), capped. */
  backoff(attempt: number): number {
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  }
}
