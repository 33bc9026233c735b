/**
 * The gateway's error codes, as clients see them in `errors[].extensions.code`. Everything a resolver throws is
 * translated to one of these at the edge (error translation + formatter); nothing else reaches a client.
 */
export enum GatewayErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  /** The operation was refused by a query limit or by GraphQL validation. */
  ValidationFailed = 'GRAPHQL_VALIDATION_FAILED',
  /** The request body is larger than the gateway accepts (HTTP 413). */
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** The tenant's fair share of the API is in use (concurrency, rate): retry after `retryAfterSeconds`. */
  RateLimited = 'RATE_LIMITED',
  /** A limit of the tenant's plan (devices, stored data, API calls per day) is reached: see `quota`. */
  QuotaExceeded = 'QUOTA_EXCEEDED',
  /** A dependency (database, Keycloak keys, Kafka) is unavailable; retrying later may succeed. */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_SERVER_ERROR',
}

/** The one exception class of the gateway; its message is safe to show to the caller. */
export class GatewayException extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    /** Extra fields for `extensions` (e.g. the offending argument); never internals. */
    readonly details?: Readonly<Record<string, string | number | boolean>>,
  ) {
    super(message);
    this.name = 'GatewayException';
  }

  static unauthenticated(message = 'authentication required'): GatewayException {
    return new GatewayException(GatewayErrorCode.Unauthenticated, message);
  }

  static forbidden(message = 'not allowed'): GatewayException {
    return new GatewayException(GatewayErrorCode.Forbidden, message);
  }

  static badInput(message: string, argument?: string): GatewayException {
    return new GatewayException(GatewayErrorCode.BadUserInput, message, argument ? { argument } : undefined);
  }

  static notFound(what: string): GatewayException {
    return new GatewayException(GatewayErrorCode.NotFound, `${what} not found`);
  }
}
