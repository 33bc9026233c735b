import { parsePskLines, PskFileError } from './psk-file';

describe('PSK file (the CLI output of provision --generate-psk)', () => {
  it('reads one key per endpoint and skips blank lines', () => {
    const keys = parsePskLines(
      'endpoint=lyon-sl-0001 psk-identity=lyon-sl-0001 psk-key=00112233445566778899aabbccddeeff\n\n' +
        'endpoint=lyon-wm-0002 psk-identity=id-2 psk-key=ABCD\n',
    );
    expect([...keys.keys()]).toEqual(['lyon-sl-0001', 'lyon-wm-0002']);
    expect(keys.get('lyon-sl-0001')?.key.toString('hex')).toBe('00112233445566778899aabbccddeeff');
    expect(keys.get('lyon-wm-0002')).toEqual({ identity: 'id-2', key: Buffer.from('abcd', 'hex') });
  });

  it.each([
    ['a line of another shape', 'provisioned 2 endpoint(s)'],
    ['a key of odd length', 'endpoint=a psk-identity=a psk-key=abc'],
    ['a key that is not hex', 'endpoint=a psk-identity=a psk-key=zz'],
  ])('refuses %s, naming the line and not its content', (_name, line) => {
    let error: unknown;
    try {
      parsePskLines(`\n${line}`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PskFileError);
    expect((error as Error).message).toMatch(/line 2/);
    expect((error as Error).message).not.toContain(line);
  });

  it('refuses an endpoint given twice', () => {
    const line = 'endpoint=a psk-identity=a psk-key=00';
    expect(() => parsePskLines(`${line}\n${line}`)).toThrow(/given twice/);
  });
});
