import { hashPartnerSecret, newPartnerSecret, verifyPartnerSecret } from './partner-secrets';

describe('partner secrets', () => {
  it('are 43 base64url characters and differ every time', () => {
    const a = newPartnerSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newPartnerSecret()).not.toBe(a);
  });

  it('are stored as a salted scrypt hash that verifies only the same secret', async () => {
    const secret = newPartnerSecret();
    const stored = await hashPartnerSecret(secret);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(await hashPartnerSecret(secret)).not.toBe(stored);
    await expect(verifyPartnerSecret(secret, stored)).resolves.toBe(true);
    await expect(verifyPartnerSecret(`${secret}x`, stored)).resolves.toBe(false);
    await expect(verifyPartnerSecret(secret, 'plain$x')).resolves.toBe(false);
  });
});
