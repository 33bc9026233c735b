import { type Principal, type Role } from '@smartcity/platform-auth';
import { assertRawRange, maxRawRangeDays } from './raw-range';

const principal = (roles: Role[]): Principal => ({
  subject: 's',
  username: 'u',
  email: null,
  roles: new Set(roles),
  cityRoles: new Map(),
  memberships: ['lyon'],
  tenant: 'lyon',
  utilityDomains: [],
  expiresAt: 0,
});

describe('raw ranges by role', () => {
  it.each([
    [['city-viewer'] as Role[], 31],
    [['utility'] as Role[], 31],
    [['city-operator'] as Role[], 92],
    [['city-viewer', 'city-admin'] as Role[], 92],
    [['platform-admin'] as Role[], 366],
  ])('%j may scan %d days', (roles, days) => {
    expect(maxRawRangeDays(principal(roles))).toBe(days);
  });

  it('refuses 60 days to a viewer and accepts them from an operator', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-03-02T00:00:00Z');
    expect(() => assertRawRange(principal(['city-viewer']), from, to, 'from')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { argument: 'from', maxDays: 31 } }),
    );
    expect(() => assertRawRange(principal(['city-operator']), from, to, 'from')).not.toThrow();
  });
});
