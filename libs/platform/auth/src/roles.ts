/**
 * Platform roles (ARCHITECTURE.md "Tenancy and identity"). `platform-admin` is a realm role: it holds everywhere,
 * it is read from `realm_access.roles`. The city roles hold in one city only: a user gets them per organization
 * (Keycloak 26.6+ organization groups named after the role, see organization-roles.ts); a city role found in
 * `realm_access.roles` is ignored, because a realm role would apply to every city the user belongs to.
 */
export const GLOBAL_ROLES = ['platform-admin'] as const;
export const CITY_ROLES = ['city-admin', 'city-operator', 'city-viewer', 'utility'] as const;
export const ROLES = [...GLOBAL_ROLES, ...CITY_ROLES] as const;

export type GlobalRole = (typeof GLOBAL_ROLES)[number];
export type CityRole = (typeof CITY_ROLES)[number];
export type Role = (typeof ROLES)[number];

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);
const GLOBAL_SET: ReadonlySet<string> = new Set(GLOBAL_ROLES);
const CITY_SET: ReadonlySet<string> = new Set(CITY_ROLES);

export function isRole(value: string): value is Role {
  return ROLE_SET.has(value);
}

export function isGlobalRole(value: string): value is GlobalRole {
  return GLOBAL_SET.has(value);
}

export function isCityRole(value: string): value is CityRole {
  return CITY_SET.has(value);
}
