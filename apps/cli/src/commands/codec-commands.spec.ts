import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

/** Runs the real CLI in a child process, as `npm run -s cli -- ...` does. */
function cli(args: string[], stdin = ''): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['-r', './tools/register.js', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// LwM2M Core 1.0 §6.4.3.1: Read /3/0 of the Device object in TLV.
const DEVICE_TLV =
  'c800144f70656e204d6f62696c6520416c6c69616e6365c801164c69676874776569676874204d324d20436c69656e74' +
  'c80209333435303030313233c303312e30860641000141010588070842000ed842011388870841007d42010384c10964' +
  'c10a0f830b410000c40d5182428fc60e2b30323a3030c11055';

describe('decode / encode commands (spawned CLI)', () => {
  jest.setTimeout(120_000);

  it('decodes the spec Device TLV to JSON sorted by path and encodes it back to the same bytes', () => {
    const decoded = cli([
      'decode',
      '--format',
      '11542',
      '--path',
      '</3/0>',
      '--hex',
      DEVICE_TLV,
      '--object-version',
      '1.0',
    ]);
    expect(decoded).toMatchObject({ code: 0, err: '' });
    const records = JSON.parse(decoded.out) as Array<{ path: string; type: string; value: unknown }>;
    expect(records[0]).toEqual({ path: '/3/0/0', type: 'string', value: 'Open Mobile Alliance' });
    expect(records.map((r) => r.path)).toEqual([
      ...['/3/0/0', '/3/0/1', '/3/0/2', '/3/0/3', '/3/0/6/0', '/3/0/6/1', '/3/0/7/0', '/3/0/7/1'],
      ...['/3/0/8/0', '/3/0/8/1', '/3/0/9', '/3/0/10', '/3/0/11/0', '/3/0/13', '/3/0/14', '/3/0/16'],
    ]);
    expect(records.find((r) => r.path === '/3/0/13')).toEqual({
      path: '/3/0/13',
      type: 'time',
      value: '2013-05-02T10:40:15Z',
    });
    const encoded = cli(
      ['encode', '--format', '11542', '--path', '/3/0', '--object-version', '1.0'],
      decoded.out,
    );
    expect(encoded).toEqual({ code: 0, out: DEVICE_TLV + '\n', err: '' });
  });

  it('prints every SenML record with its time, opaque as base64 and object links as "3:0"', () => {
    const senml =
      '[{"bn":"/3424/0/","bt":1767225000,"n":"1","v":10.5},{"n":"1","v":10.75,"t":60},' +
      '{"bn":"/3/0/","n":"22","vlo":"3410:0"},{"bn":"/5/0/","n":"0","vd":"AQID"}]';
    const r = cli([
      'decode',
      '--format',
      'senml-json',
      '--path',
      '/',
      '--hex',
      Buffer.from(senml).toString('hex'),
    ]);
    expect(r.code).toBe(0);
    // "bt" applies to every later record until replaced (RFC 8428 §4.5.3), so all four carry a time.
    expect(JSON.parse(r.out)).toEqual([
      { path: '/3/0/22', type: 'objlnk', value: '3410:0', time: '2025-12-31T23:50:00Z' },
      { path: '/5/0/0', type: 'opaque', value: 'AQID', time: '2025-12-31T23:50:00Z' },
      { path: '/3424/0/1', type: 'float', value: 10.5, time: '2025-12-31T23:50:00Z' },
      { path: '/3424/0/1', type: 'float', value: 10.75, time: '2025-12-31T23:51:00Z' },
    ]);
  });

  it.each([
    [['decode', '--format', '11542', '--path', '/3/0', '--hex', 'c8000541'], 'TLV length 5 exceeds'],
    [['decode', '--format', '11542', '--path', '/3/0', '--hex', 'c80'], '--hex'],
    [['decode', '--format', '99', '--path', '/3/0', '--hex', '00'], 'not supported'],
    [['decode', '--path', '/3/0', '--hex', '00'], '--format is required'],
    [['decode', '--format', '0', '--path', '/3/x', '--hex', '00'], 'not an LwM2M path'],
    [['decode', '--format', '0', '--path', '/3/0/9', '--hex', '00', '--bogus'], 'bogus'],
    [
      ['decode', '--format', '0', '--path', '/3/0/9', '--hex', '3132', '--object-version', 'one'],
      '--object-version',
    ],
  ])('exits 2 with one line on stderr for %j', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['not JSON', 'stdin is not JSON'],
    ['[{"path":"/3/0/9","type":"integer","value":"x"}]', 'record 0: "x" is not a valid integer value'],
    [
      '[{"path":"/3/0/9","type":"integer","value":1},{"path":"/3/0/9","type":"integer","value":2}]',
      'exactly one value',
    ],
  ])('encode exits 2 on bad stdin %s', (stdin, message) => {
    const r = cli(['encode', '--format', '0', '--path', '/3/0/9'], stdin);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
