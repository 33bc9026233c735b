import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { AuthErrorCode, createTokenVerifier } from '@smartcity/platform-auth';
import { SignJWT } from 'jose';
import { codesOf, gql, type RunningGateway, startGateway } from './support/gateway-process';
import {
  decodePayload,
  KEYCLOAK_URL,
  masterRealmToken,
  tokenOf,
  wrongAudienceToken,
} from './support/keycloak-tokens';

const ISSUER = `${KEYCLOAK_URL}/realms/smartcity`;
const ME = '{ me { username roles tenant memberships utilityDomains } }';

jest.setTimeout(120_000);

describe('gateway authentication with real Keycloak tokens', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway.stop());

  it('accepts a demo user token and reads roles, tenant and utility domains from its claims', async () => {
    const viewer = await gql(gateway, ME, {}, { token: await tokenOf('lyon-viewer') });
    expect(viewer.errors).toEqual([]);
    expect(viewer.data).toEqual({
      me: {
        username: 'lyon-viewer',
        roles: ['city-viewer'],
        tenant: 'lyon',
        memberships: ['lyon'],
        utilityDomains: [],
      },
    });
    const utility = await gql(gateway, ME, {}, { token: await tokenOf('lyon-utility-water') });
    expect(utility.data?.['me']).toMatchObject({
      roles: ['utility'],
      tenant: 'lyon',
      utilityDomains: ['water'],
    });
  });

  it('gives a platform admin no tenant until one is selected with the x-tenant header', async () => {
    const token = await tokenOf('platform-admin');
    expect((await gql(gateway, ME, {}, { token })).data?.['me']).toMatchObject({ tenant: null });
    expect((await gql(gateway, ME, {}, { token, tenant: 'porto' })).data?.['me']).toMatchObject({
      tenant: 'porto',
    });
  });

  it('refuses a tenant header naming a tenant the user is not a member of', async () => {
    const result = await gql(gateway, ME, {}, { token: await tokenOf('lyon-admin'), tenant: 'porto' });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
  });

  const forged = async (claims: Record<string, unknown>) => {
    // A key of our own, announced under the kid Keycloak uses: the signature cannot verify against the realm JWKS.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const real = decodePayload(await tokenOf('lyon-admin'));
    const header = JSON.parse(
      Buffer.from((await tokenOf('lyon-admin')).split('.')[0]!, 'base64url').toString(),
    );
    return new SignJWT({ ...real, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: header.kid as string, typ: 'JWT' })
      .sign(createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })));
  };

  it.each([
    ['no token', async () => ({})],
    ['a malformed Authorization header', async () => ({ authorization: 'Bearer not-a-jwt' })],
    ['a Basic Authorization header', async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
    ['a token from another realm (master admin-cli)', async () => ({ token: await masterRealmToken() })],
    [
      'a token with a wrong audience (admin-cli of smartcity)',
      async () => ({ token: await wrongAudienceToken() }),
    ],
    ['a token signed by a key outside the realm JWKS', async () => ({ token: await forged({}) })],
    [
      'a forged token whose expiry is in the past',
      async () => ({ token: await forged({ exp: Math.floor(Date.now() / 1000) - 3600 }) }),
    ],
  ])('refuses %s with UNAUTHENTICATED and no data', async (_name, auth) => {
    const result = await gql(
      gateway,
      '{ me { username } devices { edges { node { id } } } }',
      {},
      await auth(),
    );
    expect(codesOf(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.data).toBeNull();
    expect(JSON.stringify(result.errors)).not.toMatch(/jose|JWS|JWT|stack/i);
  });

  it('refuses a real token once it is expired (verifier with an injected clock past its exp)', async () => {
    const token = await tokenOf('lyon-operator');
    const exp = decodePayload(token)['exp'] as number;
    const verifierAt = (seconds: number) =>
      createTokenVerifier({
        issuer: ISSUER,
        audience: 'smartcity-gateway',
        clockToleranceSec: 5,
        now: () => new Date(seconds * 1000),
        cacheSize: 0,
      });
    await expect(verifierAt(exp - 60).verify(token)).resolves.toMatchObject({
      preferred_username: 'lyon-operator',
    });
    await expect(verifierAt(exp + 60).verify(token)).rejects.toMatchObject({
      code: AuthErrorCode.TokenExpired,
    });
  });

  it('refuses the wrong-audience token for its audience, not its signature', async () => {
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: 'smartcity-gateway', cacheSize: 0 });
    await expect(verifier.verify(await wrongAudienceToken())).rejects.toMatchObject({
      code: AuthErrorCode.WrongAudience,
    });
  });

  it('checks the token of the real realm: issuer, audience and organization claim shape', async () => {
    const claims = decodePayload(await tokenOf('lyon-operator'));
    expect(claims['iss']).toBe(ISSUER);
    expect([claims['aud']].flat()).toContain('smartcity-gateway');
    expect(claims['organization']).toBeDefined();
  });
});
