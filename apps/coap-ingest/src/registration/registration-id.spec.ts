import { RegistrationIds } from './registration-id';

describe('RegistrationIds', () => {
  it('gives 10 base32 characters, different every time across pool refills', () => {
    const ids = new RegistrationIds();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = ids.next();
      expect(id).toMatch(/^[a-z2-7]{10}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });
});
