import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { AuthErrorCode } from './auth.errors';
import { Authenticator } from './authenticator';
import { createTokenVerifier } from './token-verifier';

const ISSUER = 'http://127.0.0.1:8080/realms/smartcity';
const AUDIENCE = 'smartcity-gateway';
const NOW = new Date('2026-01-01T00:00:00Z');
const nowSec = NOW.getTime() / 1000;

interface KeyPair {
  privateKey: KeyLike;
  jwk: JWK;
}

async function keyPair(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function sign(key: KeyPair, claims: Record<string, unknown>, alg = 'RS256'): Promise<string> {
  return new SignJWT({
    typ: 'Bearer',
    realm_access: { roles: ['city-viewer'] },
    organization: ['lyon'],
    ...claims,
  })
    .setProtectedHeader({ alg, kid: key.jwk.kid ?? '' })
    .setIssuer((claims['iss'] as string) ?? ISSUER)
    .setAudience((claims['aud'] as string | string[]) ?? [AUDIENCE, 'account'])
    .setSubject('user-1')
    .setIssuedAt(nowSec - 10)
    .setExpirationTime((claims['exp'] as number) ?? nowSec + 300)
    .sign(key.privateKey);
}

describe('createTokenVerifier', () => {
  let good: KeyPair;
  let stranger: KeyPair;
  beforeAll(async () => {
    good = await keyPair('k1');
    stranger = await keyPair('k1-forged');
  });
  const verifier = () =>
    createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: createLocalJWKSet({ keys: [good.jwk] }),
      now: () => NOW,
      cacheSize: 0,
    });

  it('accepts a token of the realm for the API audience and returns its claims', async () => {
    const claims = await verifier().verify(await sign(good, {}));
    expect(claims).toMatchObject({ sub: 'user-1', iss: ISSUER, organization: ['lyon'] });
  });

  it.each([
    ['another realm (issuer)', { iss: 'http://127.0.0.1:8080/realms/master' }, AuthErrorCode.WrongIssuer],
    ['a wrong audience', { aud: 'account' }, AuthErrorCode.WrongAudience],
    ['an expiry in the past', { exp: nowSec - 60 }, AuthErrorCode.TokenExpired],
    ['an ID token', { typ: 'ID' }, AuthErrorCode.TokenInvalid],
    ['no token type at all', { typ: undefined }, AuthErrorCode.TokenInvalid],
    ['a refresh token', { typ: 'Refresh' }, AuthErrorCode.TokenInvalid],
  ])('refuses a token with %s', async (_n, claims, code) => {
    await expect(verifier().verify(await sign(good, claims))).rejects.toMatchObject({ code });
  });

  it('accepts an RFC 9068 access token (header typ at+jwt) without a payload typ', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setExpirationTime(nowSec + 300)
      .sign(good.privateKey);
    await expect(verifier().verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('refuses a token signed by a key that is not in the key set', async () => {
    const forged = await new SignJWT({ typ: 'Bearer' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setExpirationTime(nowSec + 300)
      .sign(stranger.privateKey);
    await expect(verifier().verify(forged)).rejects.toMatchObject({ code: AuthErrorCode.TokenInvalid });
  });

  it('refuses unsigned and symmetric-algorithm tokens', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: nowSec + 60 }),
    ).toString('base64url');
    await expect(verifier().verify(`${header}.${body}.`)).rejects.toMatchObject({
      code: AuthErrorCode.TokenInvalid,
    });
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setExpirationTime(nowSec + 60)
      .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    await expect(verifier().verify(hs)).rejects.toMatchObject({ code: AuthErrorCode.TokenInvalid });
  });

  it.each(['', 'garbage', 'a.b.c'])('refuses the malformed token %j', async (token) => {
    await expect(verifier().verify(token)).rejects.toMatchObject({ code: AuthErrorCode.TokenInvalid });
  });

  it('stops accepting a cached token once the injected clock passes its expiry', async () => {
    let now = NOW;
    const v = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: createLocalJWKSet({ keys: [good.jwk] }),
      now: () => now,
      clockToleranceSec: 0,
    });
    const token = await sign(good, { exp: nowSec + 60 });
    await v.verify(token);
    now = new Date(NOW.getTime() + 61_000);
    await expect(v.verify(token)).rejects.toMatchObject({ code: AuthErrorCode.TokenExpired });
  });
});

describe('remote JWKS', () => {
  let server: Server;
  let keys: JWK[] = [];
  let fetches = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('caches keys across verifications and refetches when a token names a rotated-in key', async () => {
    const k1 = await keyPair('k1');
    const k2 = await keyPair('k2');
    keys = [k1.jwk];
    fetches = 0;
    const v = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: url,
      jwksCooldownMs: 0,
      now: () => NOW,
      cacheSize: 0,
    });
    await v.verify(await sign(k1, {}));
    await v.verify(await sign(k1, { sub: 'other' }));
    expect(fetches).toBe(1);
    keys = [k1.jwk, k2.jwk];
    await v.verify(await sign(k2, {}));
    expect(fetches).toBe(2);
  });

  it('stops accepting a remembered token once its key is rotated out of the realm', async () => {
    const k1 = await keyPair('k1');
    const k2 = await keyPair('k2');
    keys = [k1.jwk];
    const v = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: url,
      jwksCooldownMs: 0,
      now: () => NOW,
    });
    const old = await sign(k1, {});
    await v.verify(old);
    // Keycloak rotates: k2 signs, k1 leaves the JWKS. The first k2 token makes the verifier refetch the keys.
    keys = [k2.jwk];
    await v.verify(await sign(k2, {}));
    await expect(v.verify(old)).rejects.toMatchObject({ code: AuthErrorCode.TokenInvalid });
  });

  it('verifies a remembered token again once the key set is older than its cache age', async () => {
    const k1 = await keyPair('k1');
    keys = [k1.jwk];
    fetches = 0;
    const v = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: url,
      jwksCacheMaxAgeMs: 1,
      now: () => NOW,
    });
    const token = await sign(k1, {});
    await v.verify(token);
    await new Promise((r) => setTimeout(r, 5));
    keys = [];
    await expect(v.verify(token)).rejects.toMatchObject({ code: AuthErrorCode.TokenInvalid });
    expect(fetches).toBe(2);
  });

  it('reports unreachable keys as such, not as a bad token', async () => {
    const k1 = await keyPair('k1');
    const v = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: 'http://127.0.0.1:1/certs',
      now: () => NOW,
    });
    await expect(v.verify(await sign(k1, {}))).rejects.toMatchObject({ code: AuthErrorCode.KeysUnavailable });
  });
});

describe('Authenticator', () => {
  it.each([
    [undefined, AuthErrorCode.TokenMissing],
    ['Basic dXNlcjpwYXNz', AuthErrorCode.TokenInvalid],
    ['Bearer', AuthErrorCode.TokenInvalid],
  ])('refuses the Authorization header %j', async (header, code) => {
    const auth = new Authenticator({ verify: () => Promise.reject(new Error('not reached')) });
    await expect(auth.authenticate(header)).rejects.toMatchObject({ code });
  });

  it('builds the principal with the tenant selected by the header', async () => {
    const auth = new Authenticator({
      verify: async () => ({
        sub: 's',
        exp: 1,
        realm_access: { roles: ['city-viewer'] },
        organization: ['a1', 'b2'],
      }),
    });
    const p = await auth.authenticate('bearer abc.def.ghi', 'b2');
    expect(p.tenant).toBe('b2');
    expect(p.memberships).toEqual(['a1', 'b2']);
  });
});
