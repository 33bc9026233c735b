import { TEST_ENV } from './test-env.config';
/** Real access tokens from the local Keycloak (deploy/local): demo users of realm `smartcity`, admin of `master`. */
export const KEYCLOAK_URL = TEST_ENV.keycloakUrl;
export const DEMO_PASSWORD = 'smartcity-demo';

export type DemoUser =
  | 'platform-admin'
  | 'lyon-admin'
  | 'lyon-operator'
  | 'lyon-viewer'
  | 'lyon-utility-water'
  | 'porto-admin'
  | 'porto-operator'
  | 'porto-viewer'
  | 'porto-utility-water'
  /** city-operator in lyon and city-viewer in porto (organization groups). */
  | 'consultant';

async function passwordGrant(
  realm: string,
  clientId: string,
  username: string,
  password: string,
  scope?: string,
): Promise<string> {
  const res = await fetch(`${KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      username,
      password,
      ...(scope ? { scope } : {}),
    }).toString(),
  });
  if (!res.ok)
    throw new Error(`token for ${username}@${realm}/${clientId}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

const cache = new Map<string, Promise<string>>();

/** An access token of a demo user through the `smartcity-cli` client (audience smartcity-gateway). */
export function tokenOf(user: DemoUser): Promise<string> {
  let token = cache.get(user);
  if (!token) {
    token = passwordGrant('smartcity', 'smartcity-cli', user, DEMO_PASSWORD);
    cache.set(user, token);
  }
  return token;
}

/**
 * A token requesting organization scopes: `organization:*` (every organization of the user, each with its groups;
 * what a member of several cities needs) or `organization:<alias>` (one city).
 */
export function scopedTokenOf(user: DemoUser, scope: string): Promise<string> {
  const key = `${user} ${scope}`;
  let token = cache.get(key);
  if (!token) {
    token = passwordGrant('smartcity', 'smartcity-cli', user, DEMO_PASSWORD, scope);
    cache.set(key, token);
  }
  return token;
}

/** A token of another realm: the `master` admin through admin-cli. */
export function masterRealmToken(): Promise<string> {
  return passwordGrant('master', 'admin-cli', 'admin', 'admin');
}

/** A token of the right realm issued to a client that is not the API's audience (admin-cli of `smartcity`). */
export function wrongAudienceToken(user: DemoUser = 'lyon-viewer'): Promise<string> {
  return passwordGrant('smartcity', 'admin-cli', user, DEMO_PASSWORD);
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * A public client of the realm whose access tokens live `lifespanSec` seconds (token expiry tests), with the scopes
 * the gateway needs (audience, organization). Removed by `remove()`.
 */
export async function shortLivedClient(lifespanSec: number): Promise<{
  token(user: DemoUser): Promise<string>;
  remove(): Promise<void>;
}> {
  const admin = await masterRealmToken();
  const base = `${KEYCLOAK_URL}/admin/realms/smartcity`;
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const clientId = `gwt-short-${Math.random().toString(36).slice(2, 10)}`;
  const created = await fetch(`${base}/clients`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      clientId,
      publicClient: true,
      directAccessGrantsEnabled: true,
      standardFlowEnabled: false,
      attributes: { 'access.token.lifespan': String(lifespanSec) },
    }),
  });
  if (created.status !== 201) throw new Error(`test client not created: HTTP ${created.status}`);
  const id = created.headers.get('location')!.split('/').pop()!;
  const scopes = (await (await fetch(`${base}/client-scopes`, { headers })).json()) as {
    id: string;
    name: string;
  }[];
  for (const name of ['smartcity-api', 'organization', 'roles']) {
    const scope = scopes.find((s) => s.name === name);
    if (scope)
      await fetch(`${base}/clients/${id}/default-client-scopes/${scope.id}`, { method: 'PUT', headers });
  }
  return {
    token: (user) => passwordGrant('smartcity', clientId, user, DEMO_PASSWORD, 'openid organization'),
    remove: async () => {
      await fetch(`${base}/clients/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await masterRealmToken()}` },
      });
    },
  };
}
