import { type CityRole, type Role } from './roles';

/** The authenticated caller of one request, derived from a verified access token. */
export interface Principal {
  /** Keycloak user id (`sub`). */
  readonly subject: string;
  /** `preferred_username`, for logs and `me`. */
  readonly username: string;
  readonly email: string | null;
  /** Roles of this request: realm-wide roles plus the city roles held in `tenant` (none of other tenants). */
  readonly roles: ReadonlySet<Role>;
  /** City roles per organization the user belongs to (for `me`; authorization uses `roles`). */
  readonly cityRoles: ReadonlyMap<string, ReadonlySet<CityRole>>;
  /** Organization aliases (tenant slugs) the user is a member of, in token order. */
  readonly memberships: readonly string[];
  /**
   * The tenant this request acts on: the only membership, or the one selected by the tenant header.
   * `null` when none applies (a platform admin without a selection, or a member of several tenants who chose none).
   */
  readonly tenant: string | null;
  /** Utility domains (`utility_domains` claim) restricting a `utility` user to device categories. */
  readonly utilityDomains: readonly string[];
  /** Token expiry, seconds since the epoch (`exp`). */
  readonly expiresAt: number;
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((r) => principal.roles.has(r));
}

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.has('platform-admin');
}
