import { ContentFormat } from './content-format';
import { codecError, dec, enc, hex, rec, tuples } from './testing/codec-test-kit';
import { toHex } from './util/bytes';

const { TEXT, OPAQUE, CBOR } = ContentFormat;
const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('single-value formats: text (Transport 1.1.1 §7.4.1), opaque (§7.4.2), CBOR (§7.4.6)', () => {
  it.each([
    ['/3/0/0', 'MyManufacturer', 'string', 'MyManufacturer'],
    ['/3/0/9', '100', 'integer', 100],
    ['/3/0/9', '-9223372036854775808', 'integer', -(2n ** 63n)],
    ['/3/0/13', '-86400', 'time', -86400],
    ['/1/0/6', '1', 'boolean', true],
    ['/5/0/0', 'AQIDBAU=', 'opaque', new Uint8Array([1, 2, 3, 4, 5])],
    ['/3416/0/15', '1234.5', 'float', 1234.5],
    ['/3/0/6/1', '5', 'integer', 5],
    ['/10234/0/1', 'unknown', 'string', 'unknown'],
  ])('text: %s "%s" is a %s', (path, text, type, value) => {
    const records = dec(text, TEXT, path);
    expect(tuples(records)).toEqual([[path, type, value]]);
    expect(utf8(enc(records, TEXT, path))).toBe(text);
  });

  it.each([
    ['/3/0/9', '1.5'],
    ['/3/0/9', '9223372036854775808'],
    ['/1/0/6', 'true'],
    ['/5/0/0', '!,-INVALID$_'],
    ['/3416/0/15', 'NaN'],
  ])('text: refuses %s "%s"', (path, text) => {
    expect(codecError(() => dec(text, TEXT, path)).code).toBe('invalid-value');
  });

  it('text: refuses an object path and a multiple resource path', () => {
    expect(codecError(() => dec('1', TEXT, '/3/0')).code).toBe('path-mismatch');
    expect(codecError(() => dec('1', TEXT, '/3/0/6')).code).toBe('path-mismatch');
  });

  it('opaque: carries the raw bytes of an opaque resource only', () => {
    const bytes = hex('00ff10');
    expect(tuples(dec(bytes, OPAQUE, '/5/0/0'))).toEqual([['/5/0/0', 'opaque', bytes]]);
    expect(enc(dec(bytes, OPAQUE, '/5/0/0'), OPAQUE, '/5/0/0')).toEqual(bytes);
    expect(tuples(dec(new Uint8Array(0), OPAQUE, '/5/0/0'))).toEqual([
      ['/5/0/0', 'opaque', new Uint8Array(0)],
    ]);
    expect(codecError(() => dec(bytes, OPAQUE, '/3/0/0')).code).toBe('invalid-value');
  });

  it.each([
    ['/3/0/9', '1864', 'integer', 100],
    ['/3/0/9', '3b7fffffffffffffff', 'integer', -(2n ** 63n)],
    ['/3/0/13', 'c11a5182428f', 'time', 1367491215],
    ['/3/0/13', 'c120', 'time', -1],
    ['/3/0/0', '6141', 'string', 'A'],
    ['/1/0/6', 'f5', 'boolean', true],
    ['/5/0/0', '40', 'opaque', new Uint8Array(0)],
    ['/3416/0/15', 'fa3fc00000', 'float', 1.5],
    ['/3416/0/15', 'fb3ff199999999999a', 'float', 1.1],
    ['/65/0/0/0', '6436363a30', 'objlnk', { objectId: 66, instanceId: 0 }],
  ])('CBOR: %s %s is a %s and re-encodes to the same bytes', (path, bytes, type, value) => {
    const records = dec(hex(bytes), CBOR, path);
    expect(tuples(records)).toEqual([[path, type, value]]);
    const again = toHex(enc(records, CBOR, path));
    // Floats come back in the shortest exact width (RFC 8949 §4.2.2): 1.5 is a half float.
    expect(again).toBe(bytes === 'fa3fc00000' ? 'f93e00' : bytes);
  });

  it('CBOR: reads time as a bare integer too, and infers types without a model', () => {
    expect(dec(hex('1a5182428f'), CBOR, '/3/0/13')[0]?.value).toBe(1367491215);
    expect(tuples(dec(hex('f93c00'), CBOR, '/10234/0/1'))).toEqual([['/10234/0/1', 'float', 1]]);
  });

  it.each([
    ['/3/0/9', 'f93c00', 'invalid-value'],
    ['/3/0/0', '1864', 'invalid-value'],
    ['/3/0/9', '81 01', 'invalid-value'],
    ['/3/0/9', '9f01ff', 'unsupported-item'],
    ['/3/0', '01', 'path-mismatch'],
  ])('CBOR: refuses %s %s', (path, bytes, code) => {
    expect(codecError(() => dec(hex(bytes.replace(/ /g, '')), CBOR, path)).code).toBe(code);
  });

  it('single-value encoders refuse several records or a record at another path', () => {
    const two = [rec('/3/0/9', 'integer', 1), rec('/3/0/10', 'integer', 1)];
    expect(codecError(() => enc(two, TEXT, '/3/0/9')).code).toBe('invalid-value');
    expect(codecError(() => enc([rec('/3/0/9', 'integer', 1)], CBOR, '/3/0/10')).code).toBe('path-mismatch');
  });
});
