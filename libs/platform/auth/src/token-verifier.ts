import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError, AuthErrorCode } from './auth.errors';
import { type AccessTokenClaims } from './claims';

export interface TokenVerifierOptions {
  /** Realm issuer, e.g. `http://127.0.0.1:8080/realms/smartcity`; `iss` must equal it exactly (RFC 7519 §4.1.1). */
  readonly issuer: string;
  /** API audience; `aud` must contain it (RFC 7519 §4.1.3). */
  readonly audience: string;
  /** JWKS endpoint; defaults to Keycloak's `<issuer>/protocol/openid-connect/certs`. */
  readonly jwksUri?: string;
  /** Accepted signature algorithms: asymmetric only, so a leaked client secret can never mint tokens. */
  readonly algorithms?: string[];
  /** Clock skew tolerated on `exp`/`nbf`/`iat`, seconds. */
  readonly clockToleranceSec?: number;
  /** No JWKS refetch within this many ms of the previous one (protects Keycloak from unknown-`kid` floods). */
  readonly jwksCooldownMs?: number;
  /** Keys are refetched at least this often, so a rotated-out key stops being accepted. */
  readonly jwksCacheMaxAgeMs?: number;
  readonly jwksTimeoutMs?: number;
  /** Replaces the remote key set (unit tests with locally generated keys). */
  readonly keySet?: JWTVerifyGetKey;
  /** Injected clock (tests verify a real token as if time had passed). */
  readonly now?: () => Date;
  /** Verified tokens remembered (by exact token string, until expiry) to skip re-verification; 0 disables. */
  readonly cacheSize?: number;
}

export type VerifiedClaims = AccessTokenClaims & JWTPayload;

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedClaims>;
}

const DEFAULT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Verifies Keycloak access tokens against the realm's JWKS (issuer, audience, expiry, signature). */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keySet =
    options.keySet ??
    createRemoteJWKSet(new URL(options.jwksUri ?? `${options.issuer}/protocol/openid-connect/certs`), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    });
  const now = options.now ?? (() => new Date());
  const clockToleranceSec = options.clockToleranceSec ?? 5;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, VerifiedClaims>();

  return {
    async verify(token: string): Promise<VerifiedClaims> {
      const cached = cacheSize > 0 ? cache.get(token) : undefined;
      if (cached) {
        if (typeof cached.exp === 'number' && cached.exp + clockToleranceSec > now().getTime() / 1000)
          return cached;
        cache.delete(token);
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
          clockTolerance: clockToleranceSec,
          currentDate: now(),
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        throw translateJoseError(err);
      }
      // Keycloak marks access tokens `typ: Bearer`; ID and refresh tokens of the same realm must not be accepted.
      if (payload['typ'] !== undefined && payload['typ'] !== 'Bearer') {
        throw new AuthError(AuthErrorCode.TokenInvalid, 'not an access token');
      }
      if (cacheSize > 0) {
        if (cache.size >= cacheSize) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(token, payload);
      }
      return payload;
    },
  };
}

function translateJoseError(err: unknown): AuthError {
  if (err instanceof errors.JWTExpired) return new AuthError(AuthErrorCode.TokenExpired, 'token expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new AuthError(AuthErrorCode.WrongIssuer, 'token issuer not accepted');
    if (err.claim === 'aud') return new AuthError(AuthErrorCode.WrongAudience, 'token audience not accepted');
    return new AuthError(AuthErrorCode.TokenInvalid, `token claim "${err.claim}" not accepted`);
  }
  if (err instanceof errors.JWKSTimeout || isFetchFailure(err)) {
    return new AuthError(AuthErrorCode.KeysUnavailable, 'signing keys unavailable');
  }
  return new AuthError(AuthErrorCode.TokenInvalid, 'token invalid');
}

/** A JWKS fetch that failed at the network level (connection refused, DNS, non-200), not a bad token. */
function isFetchFailure(err: unknown): boolean {
  // Duck-typed: socket errors come from node core and may belong to another realm (no `instanceof Error`).
  if (err === null || typeof err !== 'object') return false;
  if (err instanceof errors.JOSEError)
    return err.code === 'ERR_JOSE_GENERIC' && /fetch|response/i.test(err.message);
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH)$/.test(code)
  );
}
