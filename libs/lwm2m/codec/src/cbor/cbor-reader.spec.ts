import { DEFAULT_DECODE_LIMITS } from '../codec-limits';
import { codecError, hex } from '../testing/codec-test-kit';
import { CborFloat, CborTagged } from './cbor-item';
import { CborReader, halfToNumber } from './cbor-reader';
import { CborWriter, numberToHalf } from './cbor-writer';

const read = (h: string, indefinite = false) =>
  new CborReader(hex(h), DEFAULT_DECODE_LIMITS, { allowIndefiniteContainers: indefinite }).readSingle();

describe('bounded CBOR reader and deterministic writer (RFC 8949)', () => {
  it.each([
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1bffffffffffffffff', 2n ** 64n - 1n],
    ['20', -1],
    ['3bffffffffffffffff', -(2n ** 64n)],
    ['3b7fffffffffffffff', -(2n ** 63n)],
    ['f4', false],
    ['f6', null],
    ['6449455446', 'IETF'],
    ['4401020304', new Uint8Array([1, 2, 3, 4])],
  ])('reads %s (RFC 8949 Appendix A)', (h, expected) => {
    expect(read(h)).toEqual(expected);
  });

  it.each([
    ['f90000', 0, 2],
    ['f98000', -0, 2],
    ['f93c00', 1, 2],
    ['f97bff', 65504, 2],
    ['fa47c35000', 100000, 4],
    ['fb3ff199999999999a', 1.1, 8],
    ['f97c00', Infinity, 2],
  ])('reads float %s as %d with its width', (h, value, width) => {
    const item = read(h) as CborFloat;
    expect(item).toBeInstanceOf(CborFloat);
    expect(Object.is(item.value, value)).toBe(true);
    expect(item.width).toBe(width);
  });

  it.each([0, -0, 1, 1.5, 65504, 5.960464477539063e-8, 100000, 1.1, 3.4028234663852886e38, -Infinity, NaN])(
    'writes %d as the shortest exact float and reads it back',
    (value) => {
      const w = new CborWriter();
      w.float(value);
      const item = read(Buffer.from(w.toBytes()).toString('hex')) as CborFloat;
      expect(Object.is(item.value, value)).toBe(true);
      const expectedWidth = numberToHalf(value) !== undefined ? 2 : Math.fround(value) === value ? 4 : 8;
      expect(item.width).toBe(expectedWidth);
    },
  );

  it('converts half floats exactly (RFC 8949 Appendix D)', () => {
    expect(halfToNumber(0x0001)).toBe(5.960464477539063e-8);
    expect(halfToNumber(0x3e00)).toBe(1.5);
    expect(Number.isNaN(halfToNumber(0x7e00))).toBe(true);
  });

  it('reads tags and indefinite containers when allowed', () => {
    expect(read('c11a514b67b0')).toEqual(new CborTagged(1, 1363896240));
    expect(read('9f0102ff', true)).toEqual([1, 2]);
    expect(read('bf0001ff', true)).toEqual(new Map([[0, 1]]));
  });

  it.each([
    ['an empty payload', '', 'truncated'],
    ['a truncated argument', '19 03', 'truncated'],
    ['a text length beyond the payload', '7a000fffff41', 'truncated'],
    ['an array count beyond the payload', '9bffffffffffffffff', 'truncated'],
    ['a map count beyond the payload', 'ba7fffffff', 'truncated'],
    ['reserved additional information', '1c', 'malformed'],
    ['a lone break', 'ff', 'malformed'],
    ['an indefinite array where refused', '9f01ff', 'unsupported-item'],
    ['an indefinite byte string', '5f4101ff', 'unsupported-item'],
    ['simple value 16', 'f0', 'unsupported-item'],
    ['a float map key', 'a1f93c0001', 'unsupported-item'],
    ['a duplicate key', 'a2000100 02', 'duplicate'],
    ['invalid UTF-8', '62c328', 'invalid-utf8'],
    ['trailing bytes', '0000', 'trailing-bytes'],
  ])('refuses %s', (_, h, code) => {
    expect(codecError(() => read(h.replace(/ /g, ''))).code).toBe(code);
  });

  it('refuses nesting deeper than the limit without recursing further', () => {
    const deep = '81'.repeat(100_000) + '00';
    expect(codecError(() => read(deep)).code).toBe('too-deep');
    const tags = 'c1'.repeat(1000) + '00';
    expect(codecError(() => read(tags)).code).toBe('too-deep');
  });

  it('refuses text longer than maxStringLength', () => {
    const reader = new CborReader(
      hex('6461626364'),
      { ...DEFAULT_DECODE_LIMITS, maxStringLength: 3 },
      { allowIndefiniteContainers: false },
    );
    expect(codecError(() => reader.readSingle()).code).toBe('string-too-long');
  });
});
