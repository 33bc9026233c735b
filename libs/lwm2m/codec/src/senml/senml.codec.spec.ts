import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { ContentFormat } from '../content-format';
import { DEVICE_EXAMPLE, SPEC } from '../testing/spec-fixtures';
import {
  MODELS,
  NOW,
  codecError,
  dec,
  decoder,
  enc,
  encoder,
  hex,
  rec,
  tuples,
} from '../testing/codec-test-kit';
import { toHex } from '../util/bytes';

const JSON_CF = ContentFormat.SENML_JSON;
const CBOR_CF = ContentFormat.SENML_CBOR;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Transport 1.1.1 §7.4.4: the Device object Read example in SenML JSON. */
const DEVICE_JSON =
  '[{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},{"n":"1","vs":"Lightweight M2M Client"},' +
  '{"n":"2","vs":"345000123"},{"n":"3","vs":"1.0"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},' +
  '{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":100},{"n":"10","v":15},' +
  '{"n":"11/0","v":0},{"n":"13","v":1367491215},{"n":"14","vs":"+02:00"},{"n":"16","vs":"U"}]';

describe('SenML JSON and CBOR codecs (Transport 1.1.1 §7.4.4, §7.4.5)', () => {
  it('decodes the Device example in SenML JSON and re-encodes the same text', () => {
    const records = dec(DEVICE_JSON, JSON_CF, '/3/0');
    expect(tuples(records)).toEqual(DEVICE_EXAMPLE);
    expect(text(enc(records, JSON_CF, '/3/0'))).toBe(DEVICE_JSON);
  });

  it('decodes the Device example in SenML CBOR and re-encodes the same bytes', () => {
    const records = dec(hex(SPEC.SENML_CBOR_DEVICE), CBOR_CF, '/3/0');
    expect(tuples(records)).toEqual(DEVICE_EXAMPLE);
    expect(toHex(enc(records, CBOR_CF, '/3/0'))).toBe(SPEC.SENML_CBOR_DEVICE);
  });

  it('decodes the Send example at the root path and re-encodes the same bytes', () => {
    const records = dec(hex(SPEC.SENML_CBOR_SEND), CBOR_CF, '/');
    expect(tuples(records)).toEqual([
      ['/3/0/9', 'integer', 15],
      ['/3/0/20', 'integer', 4],
    ]);
    expect(toHex(enc(records, CBOR_CF, '/'))).toBe(SPEC.SENML_CBOR_SEND);
  });

  it('keeps every record of one resource with its own time (historical Send)', () => {
    const payload =
      '[{"bn":"/3424/0/","bt":1767225000,"n":"1","v":10.5},{"n":"1","v":10.75,"t":60},{"n":"1","v":11,"t":120},' +
      '{"n":"10","vb":true,"t":120}]';
    expect(tuples(dec(payload, JSON_CF, '/'))).toEqual([
      ['/3424/0/1', 'float', 10.5, 1767225000],
      ['/3424/0/1', 'float', 10.75, 1767225060],
      ['/3424/0/1', 'float', 11, 1767225120],
      ['/3424/0/10', 'boolean', true, 1767225120],
    ]);
  });

  it('resolves relative times against the injected now (RFC 8428 §4.5.3)', () => {
    expect(tuples(dec('[{"n":"/3/0/9","v":80,"t":-30},{"n":"/3/0/9","v":81}]', JSON_CF, '/'))).toEqual([
      ['/3/0/9', 'integer', 80, NOW - 30],
      ['/3/0/9', 'integer', 81],
    ]);
  });

  it('carries object links in vlo and opaque in vd (base64url in JSON, bytes in CBOR)', () => {
    const records = [
      rec('/65/0/0/0', 'objlnk', { objectId: 66, instanceId: 1 }),
      rec('/5/0/0', 'opaque', new Uint8Array([0xfb, 0xff])),
    ];
    const json = text(enc(records, JSON_CF, '/'));
    expect(json).toBe('[{"n":"/65/0/0/0","vlo":"66:1"},{"n":"/5/0/0","vd":"-_8"}]');
    expect(dec(json, JSON_CF, '/')).toEqual(records);
    const cbor = enc(records, CBOR_CF, '/');
    expect(toHex(cbor)).toContain('63766c6f' + '6436363a31');
    expect(dec(cbor, CBOR_CF, '/')).toEqual(records);
  });

  it('writes and reads Read-Composite path lists (Core 1.1.1 §5.4.6)', () => {
    const paths = ['/3/0/1', '/1/0', '/3424'].map((p) => Lwm2mPath.parse(p));
    for (const cf of [JSON_CF, CBOR_CF]) {
      const body = encoder.encodePaths(paths, cf);
      expect(decoder.decodePaths(body, cf, { models: MODELS }).map(String)).toEqual([
        '/3/0/1',
        '/1/0',
        '/3424',
      ]);
    }
    expect(text(encoder.encodePaths(paths.slice(0, 1), JSON_CF))).toBe('[{"n":"/3/0/1"}]');
    const withBase = new TextEncoder().encode('[{"bn":"/3/0/","n":"1"},{"n":"2"},{"bn":"/","n":""}]');
    expect(decoder.decodePaths(withBase, JSON_CF, { models: MODELS }).map(String)).toEqual([
      '/3/0/1',
      '/3/0/2',
      '/',
    ]);
  });

  it('accepts indefinite-length arrays and maps from streaming encoders', () => {
    expect(tuples(dec(hex('9fbf21652f332f302f006139020fffff'), CBOR_CF, '/'))).toEqual([
      ['/3/0/9', 'integer', 15],
    ]);
  });

  it.each([
    ['an unknown field', '[{"n":"/3/0/9","v":1,"foo":2}]', 'unknown-field'],
    ['a must-understand field (RFC 8428 §4.4)', '[{"n":"/3/0/9","v":1,"bar_":2}]', 'unknown-field'],
    ['bn without n', '[{"bn":"/3/0/","v":1}]', 'missing-field'],
    ['neither bn nor n', '[{"v":1}]', 'missing-field'],
    ['a record without value', '[{"n":"/3/0/9"}]', 'missing-field'],
    ['two values in a record', '[{"n":"/3/0/9","v":1,"vs":"a"}]', 'malformed'],
    ['a name that is not a path', '[{"n":"temp","v":1}]', 'invalid-path'],
    ['a value at an instance path', '[{"n":"/3/0","v":1}]', 'path-mismatch'],
    ['a record outside the request path', '[{"n":"/1/0/1","v":1}]', 'path-mismatch'],
    ['a string where the model wants an integer', '[{"n":"/3/0/9","vs":"1"}]', 'invalid-value'],
    ['a fraction where the model wants an integer', '[{"n":"/3/0/9","v":1.5}]', 'invalid-value'],
    ['vd that is not base64url', '[{"n":"/5/0/0","vd":"a+b/"}]', 'invalid-value'],
    ['a non-array pack', '{"n":"/3/0/9","v":1}', 'malformed'],
    ['truncated JSON', '[{"n":"/3/0/9","v":1', 'malformed'],
    ['"n" of the wrong type', '[{"n":3,"v":1}]', 'malformed'],
  ])('refuses SenML JSON with %s', (_, payload, code) => {
    expect(codecError(() => dec(payload, JSON_CF, '/3/0')).code).toBe(code);
  });

  it.each([
    ['an unknown label', '81a2006139' + '1864' + '01', 'unknown-field'],
    ['a truncated map', '81a3006139020f', 'truncated'],
    ['an indefinite-length text string', '81a2007f613961ff020f', 'unsupported-item'],
    ['a missing break', '9fa200662f332f302f39020f', 'truncated'],
    ['a map instead of an array', 'a200662f332f302f39020f', 'malformed'],
    ['trailing bytes', '81a200662f332f302f39020f00', 'trailing-bytes'],
    ['a duplicate label', '81a3006139020f006139', 'duplicate'],
  ])('refuses SenML CBOR with %s', (_, bytes, code) => {
    expect(codecError(() => dec(hex(bytes), CBOR_CF, '/')).code).toBe(code);
  });

  it('applies the record, string and depth limits', () => {
    const many = JSON.stringify(Array.from({ length: 11 }, (_, i) => ({ n: `/3/0/${i}`, vs: 'x' })));
    expect(codecError(() => dec(many, JSON_CF, '/', { limits: { maxRecords: 10 } })).code).toBe(
      'too-many-records',
    );
    const long = JSON.stringify([{ n: '/3/0/0', vs: 'x'.repeat(100) }]);
    expect(codecError(() => dec(long, JSON_CF, '/', { limits: { maxStringLength: 99 } })).code).toBe(
      'string-too-long',
    );
    expect(codecError(() => dec('['.repeat(10_000) + ']'.repeat(10_000), JSON_CF, '/')).code).toBe(
      'too-deep',
    );
    expect(
      codecError(() => dec(hex(SPEC.SENML_CBOR_DEVICE), CBOR_CF, '/', { limits: { maxPayloadBytes: 100 } }))
        .code,
    ).toBe('payload-too-large');
  });

  it('refuses to encode record times that SenML would read as relative (before 2**28 s)', () => {
    expect(codecError(() => enc([rec('/3/0/9', 'integer', 1, -10)], JSON_CF, '/')).code).toBe(
      'invalid-value',
    );
  });
});
