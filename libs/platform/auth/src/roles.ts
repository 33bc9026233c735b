/**
 * Realm roles of the `smartcity` Keycloak realm (ARCHITECTURE.md "Tenancy and identity"). Tokens carry them in
 * `realm_access.roles`; roles not in this list (Keycloak defaults such as `offline_access`) are ignored.
 */
export const ROLES = ['platform-admin', 'city-admin', 'city-operator', 'city-viewer', 'utility'] as const;

export type Role = (typeof ROLES)[number];

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

export function isRole(value: string): value is Role {
  return ROLE_SET.has(value);
}
