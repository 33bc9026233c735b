import { type Authenticator, TENANT_HEADER } from '@smartcity/platform-auth';

/**
 * Credentials of a graphql-ws connection come in the `connection_init` payload (browsers cannot set headers on a
 * WebSocket): `{ "authorization": "Bearer <token>", "x-tenant": "lyon" }`, also accepted under `headers`.
 */
export function credentialsOf(payload: unknown): { authorization?: string; tenant?: string } {
  if (!payload || typeof payload !== 'object') return {};
  const p = payload as Record<string, unknown>;
  const source =
    p['headers'] && typeof p['headers'] === 'object' ? (p['headers'] as Record<string, unknown>) : p;
  const pick = (...names: string[]) => {
    for (const n of names) if (typeof source[n] === 'string') return source[n];
    return undefined;
  };
  const authorization = pick('authorization', 'Authorization');
  const tenant = pick(TENANT_HEADER, 'X-Tenant');
  return { ...(authorization ? { authorization } : {}), ...(tenant ? { tenant } : {}) };
}

export async function authenticateConnection(authenticator: Authenticator, payload: unknown) {
  const { authorization, tenant } = credentialsOf(payload);
  try {
    return { principal: await authenticator.authenticate(authorization, tenant) };
  } catch (authError) {
    return { authError };
  }
}
