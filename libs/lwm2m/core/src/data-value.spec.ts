import {
  INT64_MAX,
  INT64_MIN,
  UINT64_MAX,
  formatObjectLink,
  isValueOfType,
  isoToTime,
  normalizeInteger,
  parseObjectLink,
  timeToIso,
} from './data-value';

describe('data values (LwM2M Core 1.1.1 Appendix C)', () => {
  it.each([
    ['integer', INT64_MAX, true],
    ['integer', INT64_MIN, true],
    ['integer', INT64_MAX + 1n, false],
    ['integer', 1.5, false],
    ['unsigned', UINT64_MAX, true],
    ['unsigned', UINT64_MAX + 1n, false],
    ['unsigned', -1, false],
    ['float', -0, true],
    ['float', 'x', false],
    ['time', -86400, true],
    ['time', Infinity, false],
    ['boolean', false, true],
    ['opaque', new Uint8Array(0), true],
    ['string', '', true],
    ['objlnk', { objectId: 65535, instanceId: 65535 }, true],
    ['objlnk', { objectId: 65536, instanceId: 0 }, false],
    ['none', null, true],
  ] as const)('%s accepts %p: %s', (type, value, expected) => {
    expect(isValueOfType(type, value)).toBe(expected);
  });

  it('keeps safe integers as numbers and larger ones as bigint', () => {
    expect(normalizeInteger(42n)).toBe(42);
    expect(normalizeInteger(INT64_MAX)).toBe(INT64_MAX);
    expect(normalizeInteger(BigInt(Number.MIN_SAFE_INTEGER))).toBe(Number.MIN_SAFE_INTEGER);
  });

  it.each([
    ['3:0', { objectId: 3, instanceId: 0 }],
    ['65535:65535', { objectId: 65535, instanceId: 65535 }],
    ['65536:0', undefined],
    ['3:', undefined],
    [':0', undefined],
    ['3:0:1', undefined],
  ])('parses object link %s', (text, expected) => {
    expect(parseObjectLink(text)).toEqual(expected);
    if (expected) expect(formatObjectLink(expected)).toBe(text);
  });

  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [1367491215, '2013-05-02T10:40:15Z'],
    [-1, '1969-12-31T23:59:59Z'],
    [1.5, '1970-01-01T00:00:01.500Z'],
  ])('converts time %d to ISO-8601 UTC and back', (seconds, iso) => {
    expect(timeToIso(seconds)).toBe(iso);
    expect(isoToTime(iso)).toBe(seconds);
  });

  it('refuses ISO-8601 text without a zone', () => {
    expect(isoToTime('2013-05-02T10:40:15')).toBeUndefined();
    expect(isoToTime('2013-05-02T12:40:15+02:00')).toBe(1367491215);
  });
});
