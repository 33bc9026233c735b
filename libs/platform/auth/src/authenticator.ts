import { AuthError, AuthErrorCode } from './auth.errors';
import { principalFromClaims } from './claims';
import { type Principal } from './principal';
import { type TokenVerifier } from './token-verifier';

/** Request header a user of several organizations sets to choose the tenant of the request. */
export const TENANT_HEADER = 'x-tenant';

/** Extracts the token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1); scheme is case-insensitive. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization);
  return match?.[1];
}

/** Turns request credentials into a principal, or throws an `AuthError`. */
export class Authenticator {
  constructor(private readonly verifier: TokenVerifier) {}

  async authenticate(authorization: string | undefined, tenantHeader?: string): Promise<Principal> {
    const token = bearerToken(authorization);
    if (!token) {
      throw new AuthError(
        authorization ? AuthErrorCode.TokenInvalid : AuthErrorCode.TokenMissing,
        authorization ? 'malformed Authorization header' : 'no bearer token',
      );
    }
    const claims = await this.verifier.verify(token);
    return principalFromClaims(claims, tenantHeader?.trim());
  }
}
