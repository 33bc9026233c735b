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
  const member = new Set<Role>(['city-operator']);
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
  it('reads roles from realm_access.roles and ignores roles outside the platform', () => {
    const p = principalFromClaims({
      ...base,
      realm_access: { roles: ['city-operator', 'offline_access', 'default-roles-smartcity'] },
      organization: { lyon: { id: 'o1' } },
    });
    expect([...p.roles]).toEqual(['city-operator']);
    expect(p.tenant).toBe('lyon');
    expect(p.username).toBe('lyon-operator');
  });

  it('keeps utility domains only for utility users', () => {
    const claims = { ...base, organization: ['lyon'], utility_domains: ['water'] };
    expect(principalFromClaims({ ...claims, realm_access: { roles: ['utility'] } }).utilityDomains).toEqual([
      'water',
    ]);
    expect(
      principalFromClaims({ ...claims, realm_access: { roles: ['city-viewer'] } }).utilityDomains,
    ).toEqual([]);
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
