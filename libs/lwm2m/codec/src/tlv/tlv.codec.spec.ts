import { ContentFormat } from '../content-format';
import { DEVICE_EXAMPLE, SPEC } from '../testing/spec-fixtures';
import { codecError, dec, enc, hex, rec, tuples } from '../testing/codec-test-kit';
import { toHex } from '../util/bytes';

const TLV = ContentFormat.TLV;

describe('TLV codec (Transport 1.1.1 §7.4.3, Core 1.0 §6.4.3 examples)', () => {
  it('decodes the Device instance example without instance TLV to the spec values', () => {
    expect(tuples(dec(hex(SPEC.TLV_DEVICE_RESOURCES), TLV, '/3/0'))).toEqual(DEVICE_EXAMPLE);
  });

  it('decodes the Device example wrapped in its object instance TLV, also from the object path', () => {
    expect(tuples(dec(hex(SPEC.TLV_DEVICE_INSTANCE), TLV, '/3/0'))).toEqual(DEVICE_EXAMPLE);
    expect(tuples(dec(hex(SPEC.TLV_DEVICE_INSTANCE), TLV, '/3'))).toEqual(DEVICE_EXAMPLE);
  });

  it.each([
    ['TLV_DEVICE_RESOURCES', '/3/0'],
    ['TLV_DEVICE_INSTANCE', '/3'],
    ['TLV_ACL', '/2'],
    ['TLV_SERVER', '/1'],
    ['TLV_OBJ65', '/65/0'],
    ['TLV_OBJ66', '/66'],
  ] as const)('re-encodes %s at %s to the same bytes', (name, path) => {
    const bytes = hex(SPEC[name]);
    expect(toHex(enc(dec(bytes, TLV, path), TLV, path))).toBe(SPEC[name]);
  });

  it('decodes the multi-instance Access Control example (Core 1.0 §6.4.3.2 B)', () => {
    expect(tuples(dec(hex(SPEC.TLV_ACL), TLV, '/2'))).toEqual([
      ['/2/0/0', 'integer', 1],
      ['/2/0/1', 'integer', 0],
      ['/2/0/2/127', 'integer', 7],
      ['/2/0/3', 'integer', 127],
      ['/2/2/0', 'integer', 3],
      ['/2/2/1', 'integer', 0],
      ['/2/2/2/127', 'integer', 7],
      ['/2/2/2/310', 'integer', 1],
      ['/2/2/3', 'integer', 127],
    ]);
  });

  it('decodes the Server example with a 4-byte lifetime and a boolean (Core 1.0 §6.4.3.2 C)', () => {
    expect(tuples(dec(hex(SPEC.TLV_SERVER), TLV, '/1'))).toEqual([
      ['/1/0/0', 'integer', 1],
      ['/1/0/1', 'integer', 86400],
      ['/1/0/6', 'boolean', true],
      ['/1/0/7', 'string', 'U'],
    ]);
  });

  it('decodes object links, including the 65535:65535 "no link" value (Core 1.0 §6.4.3.3)', () => {
    expect(tuples(dec(hex(SPEC.TLV_OBJ65), TLV, '/65/0'))).toEqual([
      ['/65/0/0/0', 'objlnk', { objectId: 66, instanceId: 0 }],
      ['/65/0/0/1', 'objlnk', { objectId: 66, instanceId: 1 }],
      ['/65/0/1', 'string', '8613800755500'],
      ['/65/0/2', 'integer', 305419896],
    ]);
    expect(dec(hex(SPEC.TLV_OBJ66), TLV, '/66').at(-1)?.value).toEqual({
      objectId: 65535,
      instanceId: 65535,
    });
  });

  it.each([
    ['a multiple resource TLV', '86064100014101 05'],
    ['bare resource instance TLVs', '410001410105'],
  ])('reads /3/0/6 from %s', (_, bytes) => {
    expect(tuples(dec(hex(bytes), TLV, '/3/0/6'))).toEqual([
      ['/3/0/6/0', 'integer', 1],
      ['/3/0/6/1', 'integer', 5],
    ]);
  });

  it('puts resources sent under an object path without instance TLV in instance 0', () => {
    expect(tuples(dec(hex('c10964'), TLV, '/3'))).toEqual([['/3/0/9', 'integer', 100]]);
  });

  it('keeps values of unknown resources as opaque bytes', () => {
    expect(tuples(dec(hex('c1010a'), TLV, '/10234/0'))).toEqual([
      ['/10234/0/1', 'opaque', new Uint8Array([10])],
    ]);
  });

  it('uses 16-bit identifiers and 8/16/24-bit lengths as needed', () => {
    const long = 'x'.repeat(300);
    const bytes = enc([rec('/3424/0/5700', 'string', long)], TLV, '/3424/0');
    expect(toHex(bytes.subarray(0, 5))).toBe('f0164401' + '2c');
    // 5700 is not in the 3424 model: the value comes back as raw bytes.
    expect(dec(bytes, TLV, '/3424/0')[0]?.value).toEqual(new TextEncoder().encode(long));
    const big = new Uint8Array(70000);
    const bigBytes = enc([rec('/5/0/0', 'opaque', big)], TLV, '/5/0/0');
    expect(toHex(bigBytes.subarray(0, 5))).toBe('d800011170');
    expect(dec(bigBytes, TLV, '/5/0/0')[0]?.value).toEqual(big);
  });

  it.each([
    ['a truncated header', 'c8', '/3/0', 'truncated'],
    ['a length larger than the payload', 'c8000541', '/3/0', 'truncated'],
    ['a 24-bit length larger than the payload', 'd800ffffff00', '/3/0', 'truncated'],
    ['a truncated child inside an instance', '080003c80005', '/3', 'truncated'],
    ['a 3-byte integer', 'c309010203', '/3/0', 'invalid-value'],
    ['a boolean of 2', 'c10602', '/1/0', 'invalid-value'],
    ['an objlnk of 3 bytes', '4300000000', '/65/0/0', 'invalid-value'],
    ['invalid UTF-8 in a string', 'c100ff', '/3/0', 'invalid-utf8'],
    ['the same resource twice', 'c10964c10964', '/3/0', 'duplicate'],
    ['an instance id that is not the requested one', '080103c10964', '/3/0', 'path-mismatch'],
    ['a resource instance inside an object instance', '08000341 0001', '/3', 'malformed'],
    ['resource id 65535', 'e0ffff00', '/3/0', 'invalid-path'],
    ['a TLV at the root path', 'c10964', '/', 'path-mismatch'],
  ])('refuses %s', (_, bytes, path, code) => {
    expect(codecError(() => dec(hex(bytes), TLV, path)).code).toBe(code);
  });

  it('reports the byte offset of the faulty TLV', () => {
    const err = codecError(() => dec(hex('c10964c10a0fc8000541'), TLV, '/3/0'));
    expect(err.offset).toBe(6);
    expect(err.message).toContain('offset 6');
  });

  it('refuses to encode a value that does not fit its type', () => {
    expect(codecError(() => enc([rec('/3/0/9', 'integer', 2n ** 63n)], TLV, '/3/0')).code).toBe(
      'invalid-value',
    );
    expect(codecError(() => enc([rec('/1/0/1', 'integer', 1)], TLV, '/3/0')).code).toBe('path-mismatch');
  });
});
