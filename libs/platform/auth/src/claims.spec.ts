import { AuthError, AuthErrorCode } from './auth.errors';
import { membershipsFromClaims, principalFromClaims, selectTenant, utilityDomainsFromClaims } from './claims';
import { type Role } from './roles';

const base = { sub: 'u-1', exp: 2_000_000_000, preferred_username: 'lyon-operator' };

describe('membershipsFromClaims', () => {
  it.each([
    ['object form keyed by alias', { lyon: { id: 'x' }, porto: { id: 'y' } }, ['lyon', 'porto']],
    ['list form of aliases', ['lyon'], ['lyon']],
    ['single string', 'porto', ['porto']],
    ['absent claim', undefined, []],
    ['aliases that are not tenant slugs are dropped', ['Lyon City', 'ok-1', 'x'], ['ok-1']],
    ['duplicates collapse', ['lyon', 'lyon'], ['lyon']],
    ['non-string entries are ignored', [1, { a: 1 }, 'lyon'], ['lyon']],
  ])('%s', (_name, organization, expected) => {
    expect(membershipsFromClaims({ organization })).toEqual(expected);
  });
});

describe('utilityDomainsFromClaims', () => {
  it.each([
    [
      ['water', 'Energy'],
      ['water', 'energy'],
    ],
    ['water,energy', ['water', 'energy']],
    ['water energy', ['water', 'energy']],
    [undefined, []],
    [[42, 'water', 'water'], ['water']],
  ])('%j -> %j', (claim, expected) => {
    expect(utilityDomainsFromClaims({ utility_domains: claim })).toEqual(expected);
  });
});

describe('selectTenant', () => {
  const member = new Set<Role>();
  const admin = new Set<Role>(['platform-admin']);
  it.each([
    ['one membership, no header', ['lyon'], member, undefined, 'lyon'],
    ['several memberships, no header', ['lyon', 'porto'], member, undefined, null],
    ['several memberships, header selects one of them', ['lyon', 'porto'], member, 'porto', 'porto'],
    ['no membership, no header', [], member, undefined, null],
    ['platform admin selects any tenant', [], admin, 'porto', 'porto'],
    ['empty header counts as absent', ['lyon'], member, '', 'lyon'],
  ])('%s', (_n, memberships, roles, header, expected) => {
    expect(selectTenant(memberships, roles, header)).toBe(expected);
  });

  it.each([
    ['a tenant the user is not a member of', ['lyon'], 'porto', AuthErrorCode.TenantNotMember],
    ['an invalid slug', ['lyon'], 'LYON;drop', AuthErrorCode.TenantInvalid],
  ])('refuses %s', (_n, memberships, header, code) => {
    expect(() => selectTenant(memberships, member, header)).toThrow(expect.objectContaining({ code }));
  });
});

describe('principalFromClaims', () => {
  const org = (groups: string[]) => ({ id: 'o', groups });

  it('reads platform-admin from realm_access.roles and ignores other roles there', () => {
    const p = principalFromClaims({
      ...base,
      realm_access: { roles: ['platform-admin', 'offline_access', 'default-roles-smartcity'] },
    });
    expect([...p.roles]).toEqual(['platform-admin']);
    expect(p.tenant).toBeNull();
    expect(p.username).toBe('lyon-operator');
  });

  it('reads city roles from the groups of the organization, not from realm_access', () => {
    const p = principalFromClaims({
      ...base,
      realm_access: { roles: ['city-admin'] },
      organization: { lyon: org(['/city-operator']) },
    });
    expect([...p.roles]).toEqual(['city-operator']);
    expect(p.tenant).toBe('lyon');
  });

  // The bug of issue 17: a realm-wide role applied in every city; now each city has its own roles.
  it.each([
    ['lyon', ['city-operator']],
    ['porto', ['city-viewer']],
  ])('gives a member of two cities, in %s, only the roles held there', (tenant, roles) => {
    const claims = {
      ...base,
      organization: { lyon: org(['/city-operator']), porto: org(['/city-viewer']) },
    };
    const p = principalFromClaims(claims, tenant);
    expect([...p.roles]).toEqual(roles);
    expect(p.cityRoles).toEqual(
      new Map([
        ['lyon', new Set(['city-operator'])],
        ['porto', new Set(['city-viewer'])],
      ]),
    );
  });

  it('gives a member of two cities who selected none no city role', () => {
    const p = principalFromClaims({ ...base, organization: { lyon: org(['/city-admin']), porto: org([]) } });
    expect(p.tenant).toBeNull();
    expect(p.roles.size).toBe(0);
  });

  it('gives a mere member of a city (no group) no role there', () => {
    const claims = { ...base, organization: { lyon: org(['/city-admin']), porto: { id: 'p' } } };
    expect(principalFromClaims(claims, 'porto').roles.size).toBe(0);
  });

  it('gives a platform admin acting on a city its roles there only if it is a member', () => {
    const claims = { ...base, realm_access: { roles: ['platform-admin'] }, organization: {} };
    expect([...principalFromClaims(claims, 'porto').roles]).toEqual(['platform-admin']);
  });

  it.each([
    ['/utility/water groups', org(['/utility/water', '/utility/energy']), ['gas'], ['water', 'energy']],
    ['a bare /utility group falls back to the attribute', org(['/utility']), ['water'], ['water']],
    ['no utility group', org(['/city-viewer']), ['water'], []],
  ])('takes utility domains per city from %s', (_n, entry, attribute, domains) => {
    const p = principalFromClaims({ ...base, organization: { lyon: entry }, utility_domains: attribute });
    expect(p.utilityDomains).toEqual(domains);
  });

  it.each([
    ['nested role groups', ['/teams/city-admin']],
    ['unknown groups', ['/city-superuser', '/admins']],
    ['domains below other roles', ['/city-viewer/water']],
  ])('grants nothing for %s', (_n, groups) => {
    const p = principalFromClaims({ ...base, organization: { lyon: org(groups) } });
    expect(p.roles.size).toBe(0);
  });

  it('counts city roles the mapper adds from organization group role mappings', () => {
    const entry = { id: 'o', groups: [], realm_access: { roles: ['city-admin', 'platform-admin'] } };
    expect([...principalFromClaims({ ...base, organization: { lyon: entry } }).roles]).toEqual([
      'city-admin',
    ]);
  });

  it.each([
    ['no subject', { exp: 1 }],
    ['no expiry', { sub: 'x' }],
    ['empty subject', { sub: '', exp: 1 }],
  ])('refuses a token with %s', (_n, claims) => {
    expect(() => principalFromClaims(claims)).toThrow(AuthError);
  });

  it('gives no roles when realm_access is malformed', () => {
    expect(principalFromClaims({ ...base, realm_access: { roles: 'platform-admin' } }).roles.size).toBe(0);
  });
});
