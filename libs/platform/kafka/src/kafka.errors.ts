/** Codes of Kafka failures as the rest of the platform sees them (translated at each app's edge). */
export enum KafkaErrorCode {
  /** The brokers did not acknowledge in time or refused: the caller must not acknowledge upstream. */
  Unavailable = 'KAFKA_UNAVAILABLE',
  /** The producer was closed before the message was acknowledged. */
  Closed = 'KAFKA_PRODUCER_CLOSED',
  /** A message is larger than the producer accepts. */
  MessageTooLarge = 'KAFKA_MESSAGE_TOO_LARGE',
}

export class KafkaError extends Error {
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaError';
  }
}
