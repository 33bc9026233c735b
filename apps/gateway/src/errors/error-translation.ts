import { AuthError, AuthErrorCode } from '@smartcity/platform-auth';
import { classifyDbError, DbErrorCode } from '@smartcity/platform-db';
import { GatewayErrorCode, GatewayException } from './gateway.exception';

/** What a client may learn about a failure: a code, a safe message and safe details. */
export interface TranslatedError {
  readonly code: GatewayErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /** True when the failure is ours, not the caller's: it is logged with its internals, which the client never sees. */
  readonly internal: boolean;
}

const AUTH_MESSAGES: Record<AuthErrorCode, [GatewayErrorCode, string]> = {
  [AuthErrorCode.TokenMissing]: [GatewayErrorCode.Unauthenticated, 'authentication required'],
  [AuthErrorCode.TokenInvalid]: [GatewayErrorCode.Unauthenticated, 'invalid access token'],
  [AuthErrorCode.TokenExpired]: [GatewayErrorCode.Unauthenticated, 'access token expired'],
  [AuthErrorCode.WrongIssuer]: [GatewayErrorCode.Unauthenticated, 'access token of another issuer'],
  [AuthErrorCode.WrongAudience]: [GatewayErrorCode.Unauthenticated, 'access token not issued for this API'],
  [AuthErrorCode.KeysUnavailable]: [
    GatewayErrorCode.ServiceUnavailable,
    'identity provider unavailable, retry later',
  ],
  [AuthErrorCode.TenantNotMember]: [GatewayErrorCode.Forbidden, 'not a member of the requested tenant'],
  [AuthErrorCode.TenantInvalid]: [GatewayErrorCode.BadUserInput, 'invalid tenant header'],
};

/** Maps anything a resolver or the request pipeline throws to a client-safe error. */
export function translateError(err: unknown): TranslatedError {
  if (err instanceof GatewayException) {
    return {
      code: err.code,
      message: err.message,
      internal: err.code === GatewayErrorCode.Internal,
      ...(err.details ? { details: err.details } : {}),
    };
  }
  if (err instanceof AuthError) {
    const [code, message] = AUTH_MESSAGES[err.code];
    return { code, message, internal: code === GatewayErrorCode.ServiceUnavailable };
  }
  if (isDatabaseError(err)) {
    // 57014 query_canceled: the API statement timeout. The caller can narrow the query; it is not an outage.
    if ((err as { code?: unknown }).code === '57014') {
      return {
        code: GatewayErrorCode.ServiceUnavailable,
        message: 'the query took too long: narrow it (shorter range, fewer items) or retry later',
        internal: false,
      };
    }
    switch (classifyDbError(err)) {
      case DbErrorCode.Transient:
        return {
          code: GatewayErrorCode.ServiceUnavailable,
          message: 'database unavailable, retry later',
          internal: true,
        };
      case DbErrorCode.Constraint:
        return {
          code: GatewayErrorCode.BadUserInput,
          message: 'the change conflicts with existing data',
          internal: false,
        };
      case DbErrorCode.Permission:
      case DbErrorCode.InvalidTenant:
        // Row-level security refused a row (WITH CHECK): the caller tried to write outside their tenant.
        return { code: GatewayErrorCode.Forbidden, message: 'not allowed', internal: false };
      case DbErrorCode.Other:
      default:
        return { code: GatewayErrorCode.Internal, message: 'internal error', internal: true };
    }
  }
  return { code: GatewayErrorCode.Internal, message: 'internal error', internal: true };
}

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * pg errors carry a five-character SQLSTATE `code` and a `severity`; a lost connection a socket error code;
 * DbError is the platform's own. Duck-typed: errors may come from another realm (no `instanceof`).
 */
function isDatabaseError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { name?: unknown; code?: unknown; severity?: unknown; message?: unknown };
  if (e.name === 'DbError') return true;
  if (typeof e.code === 'string' && SOCKET_CODES.has(e.code)) return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(e.message)
  ) {
    return true;
  }
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/** graphql-js appends "Did you mean ...?" to validation messages; in production it reveals the schema. */
export function stripSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .*\?\s*$/s, '');
}
