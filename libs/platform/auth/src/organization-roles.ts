import { isTenantSlug } from '@smartcity/platform-contracts';
import { type CityRole, isCityRole } from './roles';

/** What a user may do in one city (organization), from that organization's entry of the `organization` claim. */
export interface OrganizationGrant {
  readonly roles: ReadonlySet<CityRole>;
  /** Device categories of a utility user in this city (`/utility/<domain>` groups); empty when none named. */
  readonly utilityDomains: readonly string[];
}

const DOMAIN = /^[a-z0-9-]{1,64}$/;

/**
 * City roles per organization. Keycloak's Organization Group Membership mapper (26.6+) writes each organization's
 * group paths into its entry: `{"lyon": {"id": "...", "groups": ["/city-operator"]}}`. A top-level group named
 * after a city role grants that role in that organization only; `/utility/<domain>` grants `utility` limited to the
 * `<domain>` device category. With "add group role mappings" the mapper also writes the roles mapped on those
 * groups (`realm_access.roles` inside the entry); city roles found there count too. Anything else is ignored.
 */
export function organizationGrantsFromClaim(claim: unknown): Map<string, OrganizationGrant> {
  const grants = new Map<string, OrganizationGrant>();
  if (!claim || typeof claim !== 'object' || Array.isArray(claim)) return grants;
  for (const [alias, entry] of Object.entries(claim as Record<string, unknown>)) {
    if (!isTenantSlug(alias) || !entry || typeof entry !== 'object') continue;
    const roles = new Set<CityRole>();
    const domains: string[] = [];
    for (const path of stringsAt(entry, 'groups')) {
      const [top, sub, ...rest] = path.replace(/^\//, '').split('/');
      if (top === undefined || rest.length > 0 || !isCityRole(top)) continue;
      if (sub === undefined) roles.add(top);
      else if (top === 'utility' && DOMAIN.test(sub)) {
        roles.add('utility');
        if (!domains.includes(sub)) domains.push(sub);
      }
    }
    const mapped = (entry as { realm_access?: unknown }).realm_access;
    for (const role of stringsAt(mapped, 'roles')) if (isCityRole(role)) roles.add(role);
    grants.set(alias, { roles, utilityDomains: domains });
  }
  return grants;
}

function stringsAt(value: unknown, key: string): string[] {
  if (!value || typeof value !== 'object') return [];
  const list = (value as Record<string, unknown>)[key];
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
}
