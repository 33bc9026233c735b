import { TENANT_HEADER, type Principal, type Role } from '@smartcity/platform-auth';
import { GatewayException } from '../errors/gateway.exception';

/** What an operation needs. Every resolver and field resolver declares one (deny by default). */
export enum Permission {
  /** `me`: any authenticated caller. */
  ReadSelf = 'self:read',
  /** List, create and update tenants (platform administration). */
  ManageTenants = 'tenants:manage',
  ReadTenant = 'tenant:read',
  ReadDevices = 'devices:read',
  /** Provision, update and decommission devices. */
  ManageDevices = 'devices:manage',
  ReadTelemetry = 'telemetry:read',
  ReadAlarms = 'alarms:read',
  /** Acknowledge and clear alarms. */
  HandleAlarms = 'alarms:handle',
  ReadKpis = 'kpis:read',
  SubscribeLive = 'live:subscribe',
  /** Send device management commands (read, write, execute, observe...) and follow them. */
  IssueCommands = 'commands:issue',
  /** List commands and their outcomes. */
  ReadCommands = 'commands:read',
  /** A tenant's quota and metered usage (its bill): its own city admins and platform admins. */
  ReadUsage = 'usage:read',
  /**
   * Device credentials (given at provisioning, set, rotated, removed), PSK identities, the tenant's X.509 CAs
   * (issue 14 "Credentials per device").
   */
  ManageCredentials = 'credentials:manage',
  /** A tenant's NoSec setting, read and written: its own city admins and platform admins (any tenant). */
  ManageTenantSecurity = 'tenant-security:manage',
  /** Create, change and delete district metered areas (issue 24): city admins and water utilities. */
  ManageWaterAreas = 'water-areas:manage',
  /** Create, list, rotate and revoke the tenant's Kafka partners (issue 21): city admins and platform admins. */
  ManagePartners = 'partners:manage',
  /** Lighting programs, their schedule preview, energy estimate and per-lamp status (issue 19). */
  ReadLighting = 'lighting:read',
  /** Create, change, assign, apply and verify lighting programs: city admins and operators. */
  ManageLighting = 'lighting:manage',
}

/** Device commands: city operators and admins only (issue 9 "RBAC"); viewers and utilities are refused. */
const COMMANDS: readonly Permission[] = [Permission.IssueCommands, Permission.ReadCommands];

/** Lighting programs (issue 19): managed by city operators and admins, read by viewers too (not utilities). */
const LIGHTING: readonly Permission[] = [Permission.ReadLighting, Permission.ManageLighting];

const READ: readonly Permission[] = [
  Permission.ReadSelf,
  Permission.ReadTenant,
  Permission.ReadDevices,
  Permission.ReadTelemetry,
  Permission.ReadAlarms,
  Permission.ReadKpis,
  Permission.SubscribeLive,
];

/** The role x permission matrix (issue 8 "Roles"). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  'platform-admin': new Set(Object.values(Permission)),
  'city-admin': new Set([
    ...READ,
    Permission.ManageDevices,
    Permission.HandleAlarms,
    ...COMMANDS,
    Permission.ReadUsage,
    Permission.ManageCredentials,
    Permission.ManageTenantSecurity,
    Permission.ManageWaterAreas,
    Permission.ManagePartners,
    ...LIGHTING,
  ]),
  'city-operator': new Set([...READ, Permission.HandleAlarms, ...COMMANDS, ...LIGHTING]),
  'city-viewer': new Set([...READ, Permission.ReadLighting]),
  // Read only, and only the device categories of its utility domains (see categoryScope); its water areas too,
  // made of the meters it sees, when it is a water utility (UTILITY_DOMAIN_OF).
  utility: new Set([...READ, Permission.ManageWaterAreas]),
};

/** The utility domain (device category) of water meters: the `utility_domains` claim of a water utility. */
export const WATER_DOMAIN = 'water';

/**
 * Permissions the `utility` role grants only to a utility of one domain: water areas are a water utility's
 * (an electricity utility sees no water meter, and manages no district metered area).
 */
const UTILITY_DOMAIN_OF: Partial<Readonly<Record<Permission, string>>> = {
  [Permission.ManageWaterAreas]: WATER_DOMAIN,
};

/** Permissions that act on one tenant's data: the request must have a tenant (membership or header). */
const TENANT_SCOPED: ReadonlySet<Permission> = new Set(
  // Usage and the NoSec setting are fields of a Tenant: the resolver checks that tenant (platform admins: any).
  Object.values(Permission).filter(
    (p) =>
      p !== Permission.ReadSelf &&
      p !== Permission.ManageTenants &&
      p !== Permission.ReadUsage &&
      p !== Permission.ManageTenantSecurity,
  ),
);

export function isTenantScoped(permission: Permission): boolean {
  return TENANT_SCOPED.has(permission);
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  for (const role of principal.roles) {
    if (!ROLE_PERMISSIONS[role].has(permission)) continue;
    const domain = role === 'utility' ? UTILITY_DOMAIN_OF[permission] : undefined;
    if (domain === undefined || principal.utilityDomains.includes(domain)) return true;
  }
  return false;
}

/**
 * Checks one permission; throws UNAUTHENTICATED without a principal, FORBIDDEN for tenant data without a tenant,
 * FORBIDDEN without the permission (roles are those held in the selected tenant).
 */
export function authorize(principal: Principal | undefined, permission: Permission): void {
  if (!principal) throw GatewayException.unauthenticated();
  // City roles come with the selected tenant, so without one the caller is told to choose before being refused.
  if (isTenantScoped(permission) && principal.tenant === null) {
    throw GatewayException.forbidden(
      principal.memberships.length > 1 || principal.roles.has('platform-admin')
        ? `select a tenant with the ${TENANT_HEADER} header`
        : 'not a member of any tenant',
    );
  }
  if (!hasPermission(principal, permission)) throw GatewayException.forbidden();
}

/** The tenant of an authorized tenant-scoped request. */
export function tenantOf(principal: Principal): string {
  if (principal.tenant === null) throw GatewayException.forbidden('no tenant selected');
  return principal.tenant;
}

/**
 * Device categories the caller may see: `null` means all. A caller whose only role is `utility` sees the categories
 * named by its utility domains (the `utility_domains` claim; a domain is a device category, e.g. `water`); any other
 * role grants the whole tenant.
 */
export function categoryScope(principal: Principal): readonly string[] | null {
  for (const role of principal.roles) if (role !== 'utility') return null;
  return principal.utilityDomains;
}

export function canSeeCategory(principal: Principal, category: string | null): boolean {
  const scope = categoryScope(principal);
  if (scope === null) return true;
  return category !== null && scope.includes(category);
}
