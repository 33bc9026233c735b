import { ContentFormat } from '../content-format';
import { DEVICE_EXAMPLE } from '../testing/spec-fixtures';
import { codecError, dec, enc, hex, rec, tuples } from '../testing/codec-test-kit';
import { toHex } from '../util/bytes';

const CF = ContentFormat.LWM2M_CBOR;

describe('LwM2M CBOR codec (LwM2M 1.2 Transport §7.4.7)', () => {
  it('writes nested definite maps from the root: {3: {0: {9: 100}}}', () => {
    expect(toHex(enc([rec('/3/0/9', 'integer', 100)], CF, '/3/0'))).toBe('a103a100a1091864');
  });

  it('reads the indefinite-length maps streaming clients send', () => {
    // {9: {3: {3: 25}}, 1: {1: {1: 11}}} as emitted by a streaming encoder (object 9 has no model here).
    const bytes = hex('bf09bf03bf031819ffff01bf01bf010bffffff');
    expect(tuples(dec(bytes, CF, '/'))).toEqual([
      ['/9/3/3', 'integer', 25],
      ['/1/1/1', 'integer', 11],
    ]);
  });

  it('reads array keys that cover several levels: {[3, 0]: {9: 100, [6, 1]: 5}}', () => {
    const bytes = hex('a182030 0a2091864820601 05'.replace(/ /g, ''));
    expect(tuples(dec(bytes, CF, '/3/0'))).toEqual([
      ['/3/0/9', 'integer', 100],
      ['/3/0/6/1', 'integer', 5],
    ]);
  });

  it('round-trips the Device example', () => {
    const records = DEVICE_EXAMPLE.map(([p, t, v]) => rec(p, t as never, v));
    expect(dec(enc(records, CF, '/3/0'), CF, '/3/0')).toEqual(records);
  });

  it.each([
    ['a non-map document', '8100', 'malformed'],
    ['a path longer than 4 ids', 'a103a100a100a100a10000', 'invalid-path'],
    ['a text key', 'a1617801', 'invalid-path'],
    ['an empty array key', 'a18001', 'invalid-path'],
    ['a value at an object path', 'a10301', 'path-mismatch'],
    ['the same path twice', 'a2820300a1091864830300090a', 'duplicate'],
    ['a string for an integer resource', 'a103a100a1096161', 'invalid-value'],
  ])('refuses %s', (_, bytes, code) => {
    expect(codecError(() => dec(hex(bytes), CF, '/')).code).toBe(code);
  });

  it('refuses to encode a value and a child at the same path', () => {
    expect(
      codecError(() => enc([rec('/3/0/6', 'integer', 1), rec('/3/0/6/0', 'integer', 1)], CF, '/3/0')).code,
    ).toBe('duplicate');
  });
});
