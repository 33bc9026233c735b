/** Lifecycle of a device command (issue 9): PENDING -> SENT -> SUCCEEDED | FAILED | TIMEOUT, or EXPIRED. */
export enum CommandStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  TIMEOUT = 'TIMEOUT',
  EXPIRED = 'EXPIRED',
}
