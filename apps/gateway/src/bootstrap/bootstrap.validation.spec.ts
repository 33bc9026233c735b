import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { GatewayErrorCode } from '../errors/gateway.exception';
import {
  checkConfigInput,
  checkImportInput,
  checkOverrideInput,
  type EntryFields,
  MAX_IMPORT_ENTRIES,
} from './bootstrap.validation';

const KEY = '00112233445566778899aabbccddeeff';
const entry = (n: number, keyHex = KEY): EntryFields => ({
  endpoint: `lyon-m-${n}`,
  identity: `vendor-${n}`,
  keyHex,
});

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('accepted');
};

const models = loadBundledRegistry();

describe('checkConfigInput', () => {
  it('fills the defaults (300 s, U, short server id 1, no periods, no object writes)', () => {
    expect(checkConfigInput({ serverUri: 'coaps://127.0.0.1:5684' }, models)).toEqual({
      serverUri: 'coaps://127.0.0.1:5684',
      lifetime: 300,
      binding: 'U',
      shortServerId: 1,
      defaultMinPeriod: null,
      defaultMaxPeriod: null,
      objectWrites: [],
    });
  });

  it('keeps default periods and a typed object write (uCIFI lighting default, every category by default)', () => {
    const config = checkConfigInput(
      {
        serverUri: 'coaps://x:1',
        defaultMinPeriod: 60,
        defaultMaxPeriod: 900,
        objectWrites: [
          { path: '/3416/0', values: { '4': 40 }, categories: ['streetlight'] },
          { path: '/3416/1', values: { '4': 30 } },
        ],
      },
      models,
    );
    expect(config).toMatchObject({
      defaultMinPeriod: 60,
      defaultMaxPeriod: 900,
      objectWrites: [
        { path: '/3416/0', values: { '4': 40 }, categories: ['streetlight'] },
        { path: '/3416/1', values: { '4': 30 }, categories: [] },
      ],
    });
  });

  it.each([
    [{ serverUri: 'http://x:1' }, /coap/],
    [{ serverUri: 'coaps://x:1', lifetime: 0 }, /lifetime/],
    [{ serverUri: 'coaps://x:1', binding: 'X' }, /binding/],
    [{ serverUri: 'coaps://x:1', shortServerId: 65535 }, /short server id/],
    [{ serverUri: 'coaps://x:1', defaultMinPeriod: 900, defaultMaxPeriod: 60 }, /period/],
    [
      { serverUri: 'coaps://x:1', objectWrites: [{ path: '/1/0', values: { '1': 60 } }] },
      /objectWrites\[0\]/,
    ],
    [
      { serverUri: 'coaps://x:1', objectWrites: [{ path: '/3416/0', values: { '4': 'bright' } }] },
      /objectWrites\[0\]/,
    ],
    [
      { serverUri: 'coaps://x:1', objectWrites: [{ path: '/3416/0', values: { '999': 1 } }] },
      /objectWrites\[0\]/,
    ],
    [
      { serverUri: 'coaps://x:1', objectWrites: [{ path: '/65000/0', values: { '0': 1 } }] },
      /objectWrites\[0\]/,
    ],
  ])('refuses %j as BAD_USER_INPUT on input', (input, message) => {
    const err = refusal(() => checkConfigInput(input, models));
    expect(err.code).toBe(GatewayErrorCode.BadUserInput);
    expect(err.message).toMatch(message);
    expect(err.details?.['argument']).toBe('input');
  });
});

describe('checkOverrideInput', () => {
  it('keeps only the given fields; none means remove', () => {
    expect(checkOverrideInput({ lifetime: 600, serverUri: null })).toEqual({ lifetime: 600 });
    expect(checkOverrideInput(null)).toEqual({});
  });

  it('refuses a bad binding', () => {
    expect(refusal(() => checkOverrideInput({ binding: 'u' })).code).toBe(GatewayErrorCode.BadUserInput);
  });
});

describe('checkImportInput', () => {
  it('decodes the keys of a batch', () => {
    const { batch, lines } = checkImportInput('vendor-2026-12', [entry(1), entry(2)]);
    expect(batch).toBe('vendor-2026-12');
    expect(lines).toEqual([
      { endpoint: 'lyon-m-1', identity: 'vendor-1', key: Buffer.from(KEY, 'hex') },
      { endpoint: 'lyon-m-2', identity: 'vendor-2', key: Buffer.from(KEY, 'hex') },
    ]);
  });

  it(`takes at most ${MAX_IMPORT_ENTRIES} entries per call, and at least one`, () => {
    const many = Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, (_, i) => entry(i));
    expect(refusal(() => checkImportInput(null, many)).details?.['argument']).toBe('entries');
    expect(refusal(() => checkImportInput(null, [])).details?.['argument']).toBe('entries');
    expect(checkImportInput(null, many.slice(1)).lines).toHaveLength(MAX_IMPORT_ENTRIES);
  });

  it.each<[string, EntryFields[], RegExp, string]>([
    ['a short key', [entry(1), entry(2, 'abcd')], /entries\[1\]: a PSK key is 16 to 64 bytes/, 'entries[1]'],
    ['a too long key', [entry(1, 'ab'.repeat(65))], /16 to 64 bytes/, 'entries[0]'],
    ['a key not in hex', [entry(1, 'zz'.repeat(16))], /hexadecimal/, 'entries[0]'],
    ['an identity with a space', [{ ...entry(1), identity: 'a b' }], /PSK identity/, 'entries[0]'],
    ['an empty endpoint', [{ ...entry(1), endpoint: '' }], /endpoint must be/, 'entries[0]'],
    ['an endpoint twice', [entry(1), { ...entry(1), identity: 'x' }], /listed twice/, 'entries[1]'],
    ['an identity twice', [entry(1), { ...entry(2), identity: 'vendor-1' }], /listed twice/, 'entries[1]'],
  ])('refuses %s naming the line', (_what, entries, message, argument) => {
    const err = refusal(() => checkImportInput(null, entries));
    expect(err.code).toBe(GatewayErrorCode.BadUserInput);
    expect(err.message).toMatch(message);
    expect(err.details?.['argument']).toBe(argument);
  });

  it('refuses a batch name too long or with control characters', () => {
    expect(refusal(() => checkImportInput('x'.repeat(129), [entry(1)])).details?.['argument']).toBe('batch');
    expect(refusal(() => checkImportInput('a\nb', [entry(1)])).details?.['argument']).toBe('batch');
  });

  it('never echoes the key in a refusal', () => {
    const secret = 'deadbeef'.repeat(20);
    expect(JSON.stringify(refusal(() => checkImportInput(null, [entry(1, secret)])))).not.toContain(
      'deadbeef',
    );
  });
});
