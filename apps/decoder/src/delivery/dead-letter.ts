import { type OutgoingMessage } from '@smartcity/platform-kafka';
import { DecoderError } from '../decoder.errors';
import { type MessageOrigin } from '../uplink/decoded-uplink';

/** Headers a DLQ message carries, so an operator can see why and replay it to the origin topic. */
export const DLQ_HEADERS = {
  errorCode: 'x-error-code',
  errorMessage: 'x-error-message',
  attempts: 'x-attempts',
  originTopic: 'x-origin-topic',
  originPartition: 'x-origin-partition',
  originOffset: 'x-origin-offset',
  failedAt: 'x-failed-at',
} as const;

const MAX_ERROR_MESSAGE = 1000;

export interface DeadLetter {
  readonly origin: MessageOrigin;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly error: unknown;
  readonly attempts: number;
}

/** The DLQ record: the original key, value and headers untouched, plus the error headers. */
export function deadLetterMessage(letter: DeadLetter, now: Date): OutgoingMessage {
  const error = letter.error;
  const code = error instanceof DecoderError ? error.code : 'UNEXPECTED';
  const message = error instanceof Error ? error.message : String(error);
  return {
    key: letter.key ?? '',
    value: letter.value ?? Buffer.alloc(0),
    headers: {
      ...letter.headers,
      [DLQ_HEADERS.errorCode]: code,
      [DLQ_HEADERS.errorMessage]:
        message.length > MAX_ERROR_MESSAGE ? message.slice(0, MAX_ERROR_MESSAGE) : message,
      [DLQ_HEADERS.attempts]: String(letter.attempts),
      [DLQ_HEADERS.originTopic]: letter.origin.topic,
      [DLQ_HEADERS.originPartition]: String(letter.origin.partition),
      [DLQ_HEADERS.originOffset]: letter.origin.offset,
      [DLQ_HEADERS.failedAt]: now.toISOString(),
    },
  };
}
