/**
 * Why an uplink could not be processed. Translated at the decoder's edge: deterministic failures go to the DLQ
 * (retrying cannot help), transient ones are retried without counting against the message.
 */
export enum DecoderErrorCode {
  /** The Kafka value is not a valid lwm2m.uplink.v1 message. */
  ContractViolation = 'CONTRACT_VIOLATION',
  /** The payload cannot be decoded with its content format (LwM2M codec error). */
  PayloadUndecodable = 'PAYLOAD_UNDECODABLE',
  /** Normalization failed on the decoded records. */
  NormalizationFailed = 'NORMALIZATION_FAILED',
  /** The database refused the message's rows (unknown device, constraint, bad value). */
  StorageRejected = 'STORAGE_REJECTED',
  /** Database, Kafka or Redis unavailable: retry the batch. */
  Unavailable = 'UNAVAILABLE',
}

export class DecoderError extends Error {
  constructor(
    readonly code: DecoderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DecoderError';
  }

  /** Deterministic failures: the same message fails the same way next time. */
  get poison(): boolean {
    return this.code !== DecoderErrorCode.Unavailable;
  }
}
