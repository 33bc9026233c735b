import {
  createRemoteJWKSet,
  errors,
  type ExportedJWKSCache,
  type JWKSCacheInput,
  jwksCache,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
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
  /**
   * With `keySet`: the key ids it currently holds. A remembered token whose key is no longer among them is
   * verified again (and refused). The remote key set reports its own.
   */
  readonly currentKeyIds?: () => readonly string[] | undefined;
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

/** Keycloak marks access tokens `typ: Bearer` in the payload; RFC 9068 JWT access tokens say `at+jwt` in the header. */
function isAccessToken(payload: JWTPayload, headerTyp: unknown): boolean {
  if (payload['typ'] === 'Bearer') return true;
  return typeof headerTyp === 'string' && /^(application\/)?at\+jwt$/i.test(headerTyp);
}

interface Remembered {
  readonly claims: VerifiedClaims;
  readonly kid: string | undefined;
}

/** Verifies Keycloak access tokens against the realm's JWKS (issuer, audience, expiry, signature, token type). */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const cacheMaxAgeMs = options.jwksCacheMaxAgeMs ?? 600_000;
  // jose fills this with the fetched key set and its time: the remembered tokens are checked against it.
  const jwks: JWKSCacheInput = {};
  const fetched = () => jwks as Partial<ExportedJWKSCache>;
  const keySet =
    options.keySet ??
    createRemoteJWKSet(new URL(options.jwksUri ?? `${options.issuer}/protocol/openid-connect/certs`), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: cacheMaxAgeMs,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
      [jwksCache]: jwks,
    });
  const currentKeyIds =
    options.currentKeyIds ??
    (options.keySet ? () => undefined : () => fetched().jwks?.keys.map((k) => k.kid ?? ''));
  // A remembered token counts only while the key set it was checked against is fresh: once jose would refetch,
  // the next use verifies again, so a key rotated out of the realm stops its tokens within the key cache's age.
  const keysFresh = () => options.keySet !== undefined || Date.now() - (fetched().uat ?? 0) < cacheMaxAgeMs;
  const now = options.now ?? (() => new Date());
  const clockToleranceSec = options.clockToleranceSec ?? 5;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, Remembered>();

  const remembered = (token: string): VerifiedClaims | undefined => {
    const hit = cacheSize > 0 ? cache.get(token) : undefined;
    if (!hit) return undefined;
    const exp = hit.claims.exp;
    const kids = currentKeyIds();
    const keyStillThere = kids === undefined || (hit.kid !== undefined && kids.includes(hit.kid));
    if (
      typeof exp === 'number' &&
      exp + clockToleranceSec > now().getTime() / 1000 &&
      keyStillThere &&
      keysFresh()
    )
      return hit.claims;
    cache.delete(token);
    return undefined;
  };

  return {
    async verify(token: string): Promise<VerifiedClaims> {
      const cached = remembered(token);
      if (cached) return cached;
      let payload: JWTPayload;
      let header: { typ?: unknown; kid?: unknown };
      try {
        ({ payload, protectedHeader: header } = await jwtVerify(token, keySet, {
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
      // ID and refresh tokens of the same realm verify too, and a token without any type is not known to be an
      // access token: only the types Keycloak (payload `typ: Bearer`) and RFC 9068 (`at+jwt`) give them pass.
      if (!isAccessToken(payload, header.typ)) {
        throw new AuthError(AuthErrorCode.TokenInvalid, 'not an access token');
      }
      if (cacheSize > 0) {
        if (cache.size >= cacheSize) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(token, { claims: payload, kid: typeof header.kid === 'string' ? header.kid : undefined });
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
