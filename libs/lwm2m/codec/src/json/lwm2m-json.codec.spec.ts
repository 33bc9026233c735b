import { ContentFormat } from '../content-format';
import { DEVICE_EXAMPLE } from '../testing/spec-fixtures';
import { codecError, dec, enc, rec, tuples } from '../testing/codec-test-kit';

const JSON_CF = ContentFormat.JSON;

/** Core 1.0 §6.4.4: the Device object Read example in LwM2M JSON. */
const DEVICE =
  '{"bn":"/3/0/","e":[{"n":"0","sv":"Open Mobile Alliance"},{"n":"1","sv":"Lightweight M2M Client"},' +
  '{"n":"2","sv":"345000123"},{"n":"3","sv":"1.0"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},' +
  '{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":100},{"n":"10","v":15},' +
  '{"n":"11/0","v":0},{"n":"13","v":1367491215},{"n":"14","sv":"+02:00"},{"n":"16","sv":"U"}]}';

describe('LwM2M JSON codec (Core 1.0 §6.4.4, Transport 1.1.1 §7.4.5)', () => {
  it('decodes the Device example and re-encodes the same text', () => {
    const records = dec(DEVICE, JSON_CF, '/3/0');
    expect(tuples(records)).toEqual(DEVICE_EXAMPLE);
    expect(new TextDecoder().decode(enc(records, JSON_CF, '/3/0'))).toBe(DEVICE);
  });

  it('reads the legacy number 1543 the same way, with or without a base name', () => {
    const absolute = DEVICE.replace('"bn":"/3/0/",', '').replace(/"n":"/g, '"n":"/3/0/');
    expect(tuples(dec(absolute, ContentFormat.LEGACY_JSON, '/3/0'))).toEqual(DEVICE_EXAMPLE);
  });

  it('computes times as bt + t with no "relative to now" rule (Core 1.0 §6.4.4)', () => {
    const payload = '{"bn":"/3424/0/1","bt":25462634,"e":[{"v":22.9,"t":-30},{"v":22.4,"t":-5}]}';
    expect(tuples(dec(payload, JSON_CF, '/3424/0/1'))).toEqual([
      ['/3424/0/1', 'float', 22.9, 25462604],
      ['/3424/0/1', 'float', 22.4, 25462629],
    ]);
  });

  it('round-trips booleans, object links, base64 opaque and Int64 limits', () => {
    const records = [
      rec('/1/0/6', 'boolean', false),
      rec('/65/0/0/0', 'objlnk', { objectId: 66, instanceId: 0 }),
      rec('/5/0/0', 'opaque', new Uint8Array([1, 2, 3, 4, 5])),
      rec('/3/0/9', 'integer', -(2 ** 53) + 1),
    ];
    const text = new TextDecoder().decode(enc(records, JSON_CF, '/'));
    expect(text).toContain('"sv":"AQIDBAU="');
    expect(dec(text, JSON_CF, '/')).toEqual(records);
  });

  it.each([
    ['an unknown root field', '{"e":[],"x":1}', 'unknown-field'],
    ['an unknown entry field', '{"e":[{"n":"/3/0/9","v":1,"vs":"x"}]}', 'unknown-field'],
    ['no "e" array', '{"bn":"/3/0/"}', 'missing-field'],
    ['an entry without value', '{"e":[{"n":"/3/0/9"}]}', 'missing-field'],
    ['two values in an entry', '{"e":[{"n":"/3/0/9","v":1,"sv":"1"}]}', 'malformed'],
    ['a bad path', '{"e":[{"n":"/3/x","v":1}]}', 'invalid-path'],
    ['bad base64 opaque', '{"e":[{"n":"/5/0/0","sv":"@@"}]}', 'invalid-value'],
    ['a non-object document', '[1]', 'malformed'],
  ])('refuses %s', (_, payload, code) => {
    expect(codecError(() => dec(payload, JSON_CF, '/')).code).toBe(code);
  });
});
