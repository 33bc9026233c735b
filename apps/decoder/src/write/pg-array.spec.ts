import { booleanArrayLiteral, numberArrayLiteral, textArrayLiteral } from './pg-array';

describe('pg array literals', () => {
  it.each([
    [[1, 2.5, -3e-7], '{1,2.5,-3e-7}'],
    [[null, undefined, NaN, Infinity, -Infinity, 0], '{NULL,NULL,NULL,NULL,NULL,0}'],
    [[], '{}'],
  ])('numberArrayLiteral(%j) is %s', (input, expected) => {
    expect(numberArrayLiteral(input)).toBe(expected);
  });

  it('encodes booleans as t/f and missing values as NULL', () => {
    expect(booleanArrayLiteral([true, false, null, undefined])).toBe('{t,f,NULL,NULL}');
  });

  it.each([
    [['a', 'b'], '{a,b}'],
    [['', 'NULL', 'null', 'Nul'], '{"","NULL","null",Nul}'],
    [
      ['a b', 'x,y', '{z}', 'q"uote', 'back\\slash', 'tab\t'],
      '{"a b","x,y","{z}","q\\"uote","back\\\\slash","tab\t"}',
    ],
    [[null, '/3303/0/5700'], '{NULL,/3303/0/5700}'],
    [['{"a":1}'], '{"{\\"a\\":1}"}'],
    [['é€😀'], '{é€😀}'],
  ])('textArrayLiteral(%j) is %s', (input, expected) => {
    expect(textArrayLiteral(input)).toBe(expected);
  });

  it('refuses NUL characters, which PostgreSQL text cannot hold', () => {
    expect(() => textArrayLiteral(['a\u0000b'])).toThrow(RangeError);
    expect(() => textArrayLiteral(['a \u0000b'])).toThrow(RangeError);
  });
});
