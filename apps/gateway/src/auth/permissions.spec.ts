import { type Principal, type Role } from '@smartcity/platform-auth';
import { GatewayErrorCode } from '../errors/gateway.exception';
import { authorize, canSeeCategory, categoryScope, Permission } from './permissions';

function principal(roles: Role[], extra: Partial<Principal> = {}): Principal {
  return {
    subject: 's',
    username: 'u',
    email: null,
    roles: new Set(roles),
    memberships: ['lyon'],
    tenant: 'lyon',
    cityRoles: new Map(),
    utilityDomains: roles.includes('utility') ? ['water'] : [],
    expiresAt: 0,
    ...extra,
  };
}

const P = Permission;
// Expected outcome per role: the role descriptions (platform admin: everything; city-admin: devices;
// operator: alarms/commands; viewer and utility: read only).
const MATRIX: Array<[Permission, Record<Role, boolean>]> = [
  [
    P.ReadSelf,
    { 'platform-admin': true, 'city-admin': true, 'city-operator': true, 'city-viewer': true, utility: true },
  ],
  [
    P.ManageTenants,
    {
      'platform-admin': true,
      'city-admin': false,
      'city-operator': false,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ReadDevices,
    { 'platform-admin': true, 'city-admin': true, 'city-operator': true, 'city-viewer': true, utility: true },
  ],
  [
    P.ManageDevices,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': false,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.HandleAlarms,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': true,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ReadTelemetry,
    { 'platform-admin': true, 'city-admin': true, 'city-operator': true, 'city-viewer': true, utility: true },
  ],
  [
    P.ReadUsage,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': false,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ManageCredentials,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': false,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ManageTenantSecurity,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': false,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ManageWaterAreas,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': false,
      'city-viewer': false,
      utility: true,
    },
  ],
  [
    P.ReadLighting,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': true,
      'city-viewer': true,
      utility: false,
    },
  ],
  [
    P.ManageLighting,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': true,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ManagePartners,
    {
      'platform-admin': true,
      'city-admin': true,
      'city-operator': false,
      'city-viewer': false,
      utility: false,
    },
  ],
  [
    P.ReadKpis,
    { 'platform-admin': true, 'city-admin': true, 'city-operator': true, 'city-viewer': true, utility: true },
  ],
];

describe('authorize', () => {
  const cases = MATRIX.flatMap(([perm, byRole]) =>
    (Object.entries(byRole) as Array<[Role, boolean]>).map(
      ([role, allowed]) => [perm, role, allowed] as const,
    ),
  );
  it.each(cases)('%s for %s: allowed=%s', (permission, role, allowed) => {
    const run = () => authorize(principal([role]), permission);
    if (allowed) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: GatewayErrorCode.Forbidden }));
  });

  it.each<[string, boolean, string[]]>([
    ['a water utility', true, ['water']],
    ['a water and electricity utility', true, ['electricity', 'water']],
    ['an electricity utility', false, ['electricity']],
    ['a utility of no domain', false, []],
  ])('%s may manage water areas: %s', (_n, allowed, utilityDomains) => {
    const run = () => authorize(principal(['utility'], { utilityDomains }), P.ManageWaterAreas);
    if (allowed) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: GatewayErrorCode.Forbidden }));
    // Whatever its domains, it reads like any utility.
    expect(() => authorize(principal(['utility'], { utilityDomains }), P.ReadDevices)).not.toThrow();
  });

  it('does not restrict water areas by domain for other roles', () => {
    expect(() => authorize(principal(['city-admin']), P.ManageWaterAreas)).not.toThrow();
  });

  it('refuses a missing principal as UNAUTHENTICATED', () => {
    expect(() => authorize(undefined, P.ReadSelf)).toThrow(
      expect.objectContaining({ code: GatewayErrorCode.Unauthenticated }),
    );
  });

  it.each([
    [
      'a member of several tenants who selected none',
      principal(['city-viewer'], { memberships: ['lyon', 'porto'], tenant: null }),
      /x-tenant/,
    ],
    [
      'a platform admin who selected none',
      principal(['platform-admin'], { memberships: [], tenant: null }),
      /x-tenant/,
    ],
    ['a user of no tenant', principal(['city-viewer'], { memberships: [], tenant: null }), /not a member/],
  ])('refuses tenant data to %s', (_n, p, message) => {
    expect(() => authorize(p, P.ReadDevices)).toThrow(message);
    expect(() => authorize(p, P.ReadSelf)).not.toThrow();
  });
});

describe('categoryScope', () => {
  it.each([
    [['utility'] as Role[], ['water']],
    [['city-viewer'] as Role[], null],
    [['utility', 'city-viewer'] as Role[], null],
  ])('%j sees %j', (roles, scope) => {
    expect(categoryScope(principal(roles))).toEqual(scope);
  });

  it.each([
    ['water', true],
    ['lighting', false],
    [null, false],
  ])('a water utility sees category %j: %s', (category, visible) => {
    expect(canSeeCategory(principal(['utility']), category)).toBe(visible);
  });
});
