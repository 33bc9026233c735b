// Smoke tests of the local stack's Keycloak realm `smartcity` (deploy/local/stack up): demo users obtain tokens
// through the public CLI client (OAuth 2.0 password grant, RFC 6749 §4.3), the tokens verify against the realm's
// JWKS and carry the claims the gateway authorizes on (platform-admin as a realm role, city roles as groups of each
// organization, organization alias, utility domains).
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

const KEYCLOAK_URL = process.env.KEYCLOAK_URL ?? 'http://127.0.0.1:8080';
const REALM = process.env.KEYCLOAK_REALM ?? 'smartcity';
const ISSUER = `${KEYCLOAK_URL}/realms/${REALM}`;
const AUDIENCE = 'smartcity-gateway';
const CLIENT_ID = 'smartcity-cli';
const DEMO_PASSWORD = 'smartcity-demo';

interface SmartcityClaims extends JWTPayload {
  realm_access?: { roles?: string[] };
  organization?: Record<string, { id?: string; groups?: string[] }>;
  utility_domains?: string[];
  preferred_username?: string;
}

async function passwordGrant(username: string, password: string, scope = 'openid'): Promise<Response> {
  return fetch(`${ISSUER}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: CLIENT_ID,
      username,
      password,
      scope,
    }),
  });
}

async function verifiedClaims(username: string, scope?: string): Promise<SmartcityClaims> {
  const res = await passwordGrant(username, DEMO_PASSWORD, scope);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  const { payload } = await jwtVerify<SmartcityClaims>(body.access_token, jwks, {
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  return payload;
}

jest.setTimeout(60_000);

const jwks = createRemoteJWKSet(new URL(`${ISSUER}/protocol/openid-connect/certs`));

describe('local stack: Keycloak realm smartcity', () => {
  const CITY_ROLES = ['city-admin', 'city-operator', 'city-viewer', 'utility'];

  it.each([
    ['platform-admin', 'platform-admin', undefined],
    ['lyon-admin', '/city-admin', 'lyon'],
    ['lyon-operator', '/city-operator', 'lyon'],
    ['lyon-viewer', '/city-viewer', 'lyon'],
    ['lyon-utility-water', '/utility/water', 'lyon'],
    ['porto-admin', '/city-admin', 'porto'],
    ['porto-operator', '/city-operator', 'porto'],
    ['porto-viewer', '/city-viewer', 'porto'],
    ['porto-utility-water', '/utility/water', 'porto'],
  ])('issues %s a JWKS-verified token with role %s in organization %s', async (username, role, org) => {
    const claims = await verifiedClaims(username);
    expect(claims.preferred_username).toBe(username);
    expect(claims.iss).toBe(ISSUER);
    expect(claims.azp).toBe(CLIENT_ID);
    // City roles are never realm-wide (they would hold in every city of the user): only platform-admin is.
    for (const city of CITY_ROLES) expect(claims.realm_access?.roles).not.toContain(city);
    if (org === undefined) {
      expect(claims.realm_access?.roles).toContain(role);
      expect(Object.keys(claims.organization ?? {})).toEqual([]);
    } else {
      expect(claims.realm_access?.roles).not.toContain('platform-admin');
      // Organization scope with "Add organization id" plus the organization group membership mapper:
      // { "<alias>": { "id": "<uuid>", "groups": ["/<city role>"] } }.
      expect(Object.keys(claims.organization ?? {})).toEqual([org]);
      expect(claims.organization?.[org]?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(claims.organization?.[org]?.groups).toEqual([role]);
    }
  });

  it('gives the consultant city-operator in lyon and city-viewer in porto (scope organization:*)', async () => {
    const claims = await verifiedClaims('consultant', 'openid organization:*');
    expect(claims.realm_access?.roles).not.toContain('city-operator');
    expect(claims.organization?.['lyon']?.groups).toEqual(['/city-operator']);
    expect(claims.organization?.['porto']?.groups).toEqual(['/city-viewer']);
    // One organization on request: a token for one city only.
    const porto = await verifiedClaims('consultant', 'openid organization:porto');
    expect(Object.keys(porto.organization ?? {})).toEqual(['porto']);
  });

  it.each([['lyon-utility-water'], ['porto-utility-water']])(
    'gives the utility user %s its utility_domains as a JSON array',
    async (username) => {
      const claims = await verifiedClaims(username);
      expect(claims.utility_domains).toEqual(['water']);
    },
  );

  it('gives users without utility domains no utility_domains claim', async () => {
    const claims = await verifiedClaims('lyon-operator');
    expect(claims.utility_domains).toBeUndefined();
  });

  // RFC 6749 §5.2: a failed resource-owner password grant is an `invalid_grant` error with HTTP 400
  // (Keycloak 26.x follows it; older Keycloak versions answered 401).
  it('refuses a wrong password with 400 invalid_grant', async () => {
    const res = await passwordGrant('lyon-operator', 'not-the-password');
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a token whose signature does not match the realm keys', async () => {
    const res = await passwordGrant('lyon-viewer', DEMO_PASSWORD);
    const { access_token: token } = (await res.json()) as { access_token: string };
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    await expect(jwtVerify(tampered, jwks, { issuer: ISSUER, audience: AUDIENCE })).rejects.toThrow(
      /signature/,
    );
  });
});
