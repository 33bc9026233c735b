import { DEFAULT_DECODE_LIMITS } from '../codec-limits';
import { hex } from '../testing/codec-test-kit';
import { parseSenmlCbor } from './senml-cbor';
import { parseSenmlJson } from './senml-json';
import { resolveSenml } from './senml-record';

const json = (text: string) => parseSenmlJson(new TextEncoder().encode(text), DEFAULT_DECODE_LIMITS);
const NOW = 1767225600;

/** RFC 8428 §5.1.3 "Multiple Measurements" (JSON) and its CBOR form of §6. */
const RFC_5_1_3 = `[
  {"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,"bu":"A","bver":5,"n":"voltage","u":"V","v":120.1},
  {"n":"current","t":-5,"v":1.2},
  {"n":"current","t":-4,"v":1.3},
  {"n":"current","t":-3,"v":1.4},
  {"n":"current","t":-2,"v":1.5},
  {"n":"current","t":-1,"v":1.6},
  {"n":"current","v":1.7}
]`;
const RFC_6_CBOR =
  '87a721781b75726e3a6465763a6f773a3130653230373361303130383030363a22fb41d303a15b00106223614120050067766f6c7461' +
  '6765016156 02fb405e066666666666a3006763757272656e740624 02fb3ff3333333333333a3006763757272656e740623 02fb3ff4cccccccccccd' +
  'a3006763757272656e740622 02fb3ff6666666666666a3006763757272656e740621 02f93e00a3006763757272656e740620 02fb3ff999999999999a' +
  'a2006763757272656e7402fb3ffb333333333333';

describe('SenML base-field resolution (RFC 8428 §4.5, §4.6)', () => {
  it('resolves the single datapoint example (§5.1.1)', () => {
    const [r] = resolveSenml(json('[{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}]'), () => NOW);
    expect(r).toEqual({
      name: 'urn:dev:ow:10e2073a01080063',
      nameFromBaseOnly: false,
      value: { kind: 'number', value: 23.1 },
    });
  });

  it('concatenates the base name in the multiple datapoints example (§5.1.2)', () => {
    const records = resolveSenml(
      json(
        '[{"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},{"n":"current","u":"A","v":1.2}]',
      ),
      () => NOW,
    );
    expect(records.map((r) => r.name)).toEqual([
      'urn:dev:ow:10e2073a01080063:voltage',
      'urn:dev:ow:10e2073a01080063:current',
    ]);
  });

  it('resolves the multiple measurements example to the §5.1.4 absolute times', () => {
    const records = resolveSenml(json(RFC_5_1_3), () => NOW);
    expect(records.map((r) => [r.name.split(':').pop(), r.time, r.value?.value])).toEqual([
      ['voltage', 1276020076.001, 120.1],
      ['current', 1276020071.001, 1.2],
      ['current', 1276020072.001, 1.3],
      ['current', 1276020073.001, 1.4],
      ['current', 1276020074.001, 1.5],
      ['current', 1276020075.001, 1.6],
      ['current', 1276020076.001, 1.7],
    ]);
  });

  it('reads the §6 CBOR representation to the same records as the JSON one', () => {
    const fromCbor = resolveSenml(parseSenmlCbor(hex(RFC_6_CBOR), DEFAULT_DECODE_LIMITS), () => NOW);
    expect(fromCbor).toEqual(resolveSenml(json(RFC_5_1_3), () => NOW));
  });

  it.each([
    [0, NOW],
    [-60, NOW - 60],
    [2 ** 28 - 1, NOW + 2 ** 28 - 1],
    [2 ** 28, 2 ** 28],
  ])('treats t=%d as %d: below 2**28 relative to now (§4.5.3)', (t, expected) => {
    expect(resolveSenml(json(`[{"n":"x","v":1,"t":${t}}]`), () => NOW)[0]?.time).toBe(expected);
  });

  it.each([
    // Leshan 2.0's Send: bt as a decimal fraction [-9, 1700000000123456789] (RFC 8949 §3.4.4), n "/3303/0/5700", v 21.5
    [
      'a decimal fraction bt with nanoseconds',
      'a3 22 c4 82 28 1b 17979cfe3d85cd15 00 6c 2f333330332f302f35373030 02 fb 4035800000000000',
      1700000000.1234568,
    ],
    [
      'a decimal fraction of whole seconds',
      'a3 22 c4 82 00 1a 6553f100 00 6c 2f333330332f302f35373030 02 fb 4035800000000000',
      1700000000,
    ],
    [
      'a bigfloat t (tag 5)',
      'a3 06 c5 82 01 1a 32a9f880 00 6c 2f333330332f302f35373030 02 fb 4035800000000000',
      1700000000,
    ],
    [
      'a decimal fraction with a bignum mantissa',
      'a3 22 c4 82 28 c2 48 17979cfe3d85cd15 00 6c 2f333330332f302f35373030 02 fb 4035800000000000',
      1700000000.1234568,
    ],
  ])('reads %s as seconds (RFC 8428 §6: any CBOR number)', (_name, wire, seconds) => {
    const records = resolveSenml(parseSenmlCbor(hex(`81 ${wire}`), DEFAULT_DECODE_LIMITS), () => NOW);
    expect(records[0]?.time).toBeCloseTo(seconds, 6);
    expect(records[0]?.value?.value).toBe(21.5);
  });

  it.each([
    ['a decimal fraction that is not a pair', 'a2 22 c4 81 00 00 61 78'],
    ['an exponent out of range', 'a2 22 c4 82 19 03e8 01 00 61 78'],
    ['a mantissa that is not an integer', 'a2 22 c4 82 00 61 31 00 61 78'],
  ])('refuses %s', (_name, wire) => {
    expect(() => parseSenmlCbor(hex(`81 ${wire}`), DEFAULT_DECODE_LIMITS)).toThrow('decimal fraction');
  });

  it('adds the base value to each value (§4.5.2) and keeps records without time untimed', () => {
    const records = resolveSenml(json('[{"bn":"a","bv":10,"n":"x","v":1},{"n":"y","v":2}]'), () => NOW);
    expect(records.map((r) => [r.value?.value, r.time])).toEqual([
      [11, undefined],
      [12, undefined],
    ]);
  });

  it('refuses a SenML version newer than 10 (§4.4)', () => {
    expect(() => resolveSenml(json('[{"bver":11,"n":"x","v":1}]'), () => NOW)).toThrow(/version 11/);
  });
});
