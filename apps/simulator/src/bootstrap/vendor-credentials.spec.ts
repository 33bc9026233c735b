import { parseVendorCredentials, VendorCredentialsError } from './vendor-credentials';

const KEY = '00112233445566778899aabbccddeeff';

describe('parseVendorCredentials', () => {
  it('reads endpoint,identity,keyHex lines, skipping a header, comments and blank lines', () => {
    const keys = parseVendorCredentials(
      `endpoint,identity,keyHex\n# batch 7\n\nlyon-sl-0001,bs-lyon-sl-0001,${KEY}\r\nlyon-wm-0002 , bs-2 , ${KEY.toUpperCase()}\n`,
    );
    expect([...keys.keys()]).toEqual(['lyon-sl-0001', 'lyon-wm-0002']);
    expect(keys.get('lyon-wm-0002')).toEqual({ identity: 'bs-2', key: Buffer.from(KEY, 'hex') });
  });

  it.each([
    ['two fields', `a,b\n`],
    ['an odd number of hex digits', `a,b,${KEY}0\n`],
    ['a key shorter than 16 bytes', `a,b,0011\n`],
    ['a non-hex key', `a,b,${'zz'.repeat(16)}\n`],
    ['an empty identity', `a,,${KEY}\n`],
    ['an endpoint given twice', `a,b,${KEY}\na,c,${KEY}\n`],
  ])('refuses %s, naming the line but not its content', (_, text) => {
    let error: unknown;
    try {
      parseVendorCredentials(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VendorCredentialsError);
    expect((error as Error).message).toMatch(/line \d/);
    expect((error as Error).message).not.toContain(KEY);
  });
});
