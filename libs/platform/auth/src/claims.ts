import { isTenantSlug } from '@smartcity/platform-contracts';
import { AuthError, AuthErrorCode } from './auth.errors';
import { organizationGrantsFromClaim } from './organization-roles';
import { type Principal } from './principal';
import { type CityRole, type GlobalRole, isGlobalRole, type Role } from './roles';

/** The claims of a verified Keycloak access token this platform reads. Everything else is ignored. */
export interface AccessTokenClaims {
  readonly sub?: unknown;
  readonly exp?: unknown;
  readonly preferred_username?: unknown;
  readonly email?: unknown;
  readonly realm_access?: unknown;
  readonly organization?: unknown;
  readonly utility_domains?: unknown;
}

/**
 * Realm-wide roles from `realm_access.roles`: only `platform-admin`. City roles there are ignored on purpose: a realm
 * role holds in every organization of the user, so `city-admin` of one city would be admin of all its cities.
 */
export function globalRolesFromClaims(claims: AccessTokenClaims): Set<GlobalRole> {
  const roles = new Set<GlobalRole>();
  const access = claims.realm_access;
  if (access && typeof access === 'object' && Array.isArray((access as { roles?: unknown }).roles)) {
    for (const role of (access as { roles: unknown[] }).roles) {
      if (typeof role === 'string' && isGlobalRole(role)) roles.add(role);
    }
  }
  return roles;
}

/**
 * Organization aliases from the Keycloak 26 `organization` claim. The organization mapper emits either a list of
 * aliases (`["lyon"]`) or, with "Add organization id/attributes" enabled, an object keyed by alias
 * (`{"lyon": {"id": "..."}}`). Aliases that are not valid tenant slugs are dropped: they cannot name a tenant.
 */
export function membershipsFromClaims(claims: AccessTokenClaims): string[] {
  const claim = claims.organization;
  let aliases: unknown[] = [];
  if (Array.isArray(claim)) aliases = claim;
  else if (claim && typeof claim === 'object') aliases = Object.keys(claim);
  else if (typeof claim === 'string') aliases = [claim];
  const out: string[] = [];
  for (const alias of aliases) {
    if (typeof alias === 'string' && isTenantSlug(alias) && !out.includes(alias)) out.push(alias);
  }
  return out;
}

/** Utility domains from `utility_domains`: a JSON list, or a comma/space separated string (attribute mappers). */
export function utilityDomainsFromClaims(claims: AccessTokenClaims): string[] {
  const claim = claims.utility_domains;
  const raw: unknown[] = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.split(/[\s,]+/)
      : [];
  const out: string[] = [];
  for (const d of raw) {
    if (typeof d !== 'string') continue;
    const domain = d.trim().toLowerCase();
    if (domain && !out.includes(domain)) out.push(domain);
  }
  return out;
}

/**
 * Chooses the tenant a request acts on. A member of one organization acts on it; a member of several selects one
 * with the tenant header, only among their own; a platform admin may select any tenant (tenant management).
 */
export function selectTenant(
  memberships: readonly string[],
  roles: ReadonlySet<Role | GlobalRole>,
  requested: string | undefined,
): string | null {
  if (requested !== undefined && requested !== '') {
    if (!isTenantSlug(requested)) {
      throw new AuthError(AuthErrorCode.TenantInvalid, 'the tenant header is not a valid tenant slug');
    }
    if (memberships.includes(requested) || roles.has('platform-admin')) return requested;
    throw new AuthError(AuthErrorCode.TenantNotMember, 'you are not a member of the requested tenant');
  }
  return memberships.length === 1 ? (memberships[0] ?? null) : null;
}

/**
 * Builds the request's principal from verified claims and the optional tenant header. Its `roles` are the
 * realm-wide roles plus the city roles the user holds in the selected tenant, and nothing from other tenants.
 */
export function principalFromClaims(claims: AccessTokenClaims, requestedTenant?: string): Principal {
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new AuthError(AuthErrorCode.TokenInvalid, 'token has no subject');
  }
  if (typeof claims.exp !== 'number') throw new AuthError(AuthErrorCode.TokenInvalid, 'token has no expiry');
  const global = globalRolesFromClaims(claims);
  const memberships = membershipsFromClaims(claims);
  const grants = organizationGrantsFromClaim(claims.organization);
  const tenant = selectTenant(memberships, global, requestedTenant);
  const grant = tenant !== null && memberships.includes(tenant) ? grants.get(tenant) : undefined;
  const roles = new Set<Role>([...global, ...(grant?.roles ?? [])]);
  const cityRoles = new Map<string, ReadonlySet<CityRole>>();
  for (const alias of memberships) cityRoles.set(alias, grants.get(alias)?.roles ?? new Set());
  // Per-city domains (`/utility/<domain>` groups) win; the user-wide `utility_domains` attribute is the fallback.
  const utilityDomains = !roles.has('utility')
    ? []
    : grant && grant.utilityDomains.length > 0
      ? [...grant.utilityDomains]
      : utilityDomainsFromClaims(claims);
  return {
    subject: claims.sub,
    username: typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    roles,
    cityRoles,
    memberships,
    tenant,
    utilityDomains,
    expiresAt: claims.exp,
  };
}
