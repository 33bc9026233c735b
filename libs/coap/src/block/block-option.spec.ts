import { BlockOptionError, blockSize, decodeBlock, encodeBlock, szxForSize } from './block-option';

describe('Block option values (RFC 7959 §2.2)', () => {
  it.each([
    [{ num: 0, more: false, szx: 0 }, ''],
    [{ num: 0, more: true, szx: 6 }, '0e'],
    [{ num: 1, more: false, szx: 6 }, '16'],
    [{ num: 15, more: true, szx: 2 }, 'fa'],
    [{ num: 16, more: false, szx: 0 }, '0100'],
    [{ num: 4095, more: true, szx: 6 }, 'fffe'],
    [{ num: 4096, more: false, szx: 1 }, '010001'],
    [{ num: 0xfffff, more: true, szx: 5 }, 'fffffd'],
  ])('%j <-> %s', (block, hex) => {
    expect(encodeBlock(block).toString('hex')).toBe(hex);
    expect(decodeBlock(Buffer.from(hex, 'hex'))).toEqual(block);
  });

  it.each([
    ['SZX 7 (reserved)', '07'],
    ['4 bytes', '01000000'],
  ])('refuses %s', (_name, hex) => {
    expect(() => decodeBlock(Buffer.from(hex, 'hex'))).toThrow(BlockOptionError);
  });

  it('refuses to encode out-of-range numbers and sizes', () => {
    expect(() => encodeBlock({ num: 0x100000, more: false, szx: 0 })).toThrow(RangeError);
    expect(() => encodeBlock({ num: 0, more: false, szx: 7 })).toThrow(RangeError);
  });

  it('maps sizes to SZX', () => {
    expect([0, 6].map(blockSize)).toEqual([16, 1024]);
    expect([16, 100, 1024, 5000].map(szxForSize)).toEqual([0, 2, 6, 6]);
  });
});
