/** Why a caller could not be authenticated or placed in a tenant. Translated at the edge (GraphQL codes). */
export enum AuthErrorCode {
  /** No bearer token in the request. */
  TokenMissing = 'TOKEN_MISSING',
  /** Malformed token, unknown key, bad signature, disallowed algorithm or token type. */
  TokenInvalid = 'TOKEN_INVALID',
  TokenExpired = 'TOKEN_EXPIRED',
  /** `iss` is not the configured realm (e.g. a token of the `master` realm). */
  WrongIssuer = 'WRONG_ISSUER',
  /** `aud` does not contain the API audience. */
  WrongAudience = 'WRONG_AUDIENCE',
  /** The signing keys could not be fetched (Keycloak unreachable): not the caller's fault. */
  KeysUnavailable = 'KEYS_UNAVAILABLE',
  /** The tenant header names a tenant the user is not a member of. */
  TenantNotMember = 'TENANT_NOT_MEMBER',
  /** The tenant header is not a valid tenant slug. */
  TenantInvalid = 'TENANT_INVALID',
}

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }

  /** True when the caller's credentials are at fault (UNAUTHENTICATED), false for tenant selection (FORBIDDEN...). */
  get isAuthentication(): boolean {
    return (
      this.code !== AuthErrorCode.TenantNotMember &&
      this.code !== AuthErrorCode.TenantInvalid &&
      this.code !== AuthErrorCode.KeysUnavailable
    );
  }
}
