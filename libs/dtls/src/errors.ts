import { AlertDescription, alertName } from './protocol/constants';

/**
 * The one error type of this library. `alert` is the RFC 5246 §7.2 AlertDescription a peer would see (or did
 * send, when `fromPeer`). Messages name what failed, never a key, secret or PSK value.
 */
export class DtlsError extends Error {
  constructor(
    readonly alert: AlertDescription,
    message: string,
    /** True when the peer sent this alert; false when we detected the failure. */
    readonly fromPeer = false,
  ) {
    super(`${alertName(alert)}: ${message}`);
    this.name = 'DtlsError';
  }

  get alertName(): string {
    return alertName(this.alert);
  }
}

/** Shorthand for the common decode failure (RFC 5246 §7.2.2 decode_error). */
export function decodeError(what: string): DtlsError {
  return new DtlsError(AlertDescription.decode_error, what);
}

/** Anything that is not a DtlsError becomes internal_error, without the original message (it may hold data). */
export function asDtlsError(err: unknown): DtlsError {
  if (err instanceof DtlsError) return err;
  const name = err instanceof Error ? err.name : typeof err;
  return new DtlsError(AlertDescription.internal_error, `unexpected ${name}`);
}
