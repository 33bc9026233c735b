import { Lwm2mCodecError } from './codec-error';
import { recordsFromJson } from './json-records';
import { staticModelProvider } from './model';
import { DEVICE_1_2, SECURITY_1_2, SERVER_1_2 } from './models/oma-core-models';
import { Lwm2mPath } from './path';

const models = staticModelProvider([SECURITY_1_2, SERVER_1_2, DEVICE_1_2]);
const read = (path: string, value: unknown) =>
  recordsFromJson(models, Lwm2mPath.parse(path), value).map((r) => ({
    path: r.path.toString(),
    type: r.type,
    value: r.value,
  }));

describe('recordsFromJson', () => {
  it.each([
    ['an integer', '/1/0/1', 86400, { type: 'integer', value: 86400 }],
    [
      'an integer beyond 2^53 as a decimal string',
      '/1/0/1',
      '-9007199254740993',
      { value: -9007199254740993n },
    ],
    ['an unsigned integer', '/1/0/17', 5, { type: 'unsigned', value: 5 }],
    ['a boolean', '/1/0/6', true, { type: 'boolean', value: true }],
    ['a string', '/1/0/7', 'UQ', { type: 'string', value: 'UQ' }],
    ['a time in seconds', '/3/0/13', 1_700_000_000, { type: 'time', value: 1_700_000_000 }],
    ['a time as an ISO 8601 date', '/3/0/13', '2023-11-14T22:13:20Z', { value: 1_700_000_000 }],
    ['opaque as base64', '/0/1/3', 'AQID', { type: 'opaque', value: new Uint8Array([1, 2, 3]) }],
    ['an object link', '/1/0/10', '11:0', { type: 'objlnk', value: { objectId: 11, instanceId: 0 } }],
  ])('reads %s', (_name, path, value, expected) => {
    expect(read(path, value)).toEqual([expect.objectContaining({ path, ...expected })]);
  });

  it('reads an object instance as its resources and a multiple resource as its instances', () => {
    expect(read('/1/0', { 1: 300, 7: 'U' })).toEqual([
      { path: '/1/0/1', type: 'integer', value: 300 },
      { path: '/1/0/7', type: 'string', value: 'U' },
    ]);
    expect(read('/1/0/25', { 0: '1.1', 3: '1.2' })).toEqual([
      { path: '/1/0/25/0', type: 'string', value: '1.1' },
      { path: '/1/0/25/3', type: 'string', value: '1.2' },
    ]);
  });

  it.each([
    ['a string for an integer', '/1/0/1', 'high', 'invalid-value', /1\/0\/1: "high" is not a valid integer/],
    ['a fraction for an integer', '/1/0/1', 1.5, 'invalid-value', /not a valid integer/],
    ['a negative unsigned', '/1/0/17', -1, 'invalid-value', /not a valid unsigned/],
    ['an over-long decimal string', '/1/0/1', '1'.repeat(21), 'invalid-value', /not a valid integer/],
    ['a number for a boolean', '/1/0/6', 1, 'invalid-value', /not a valid boolean/],
    ['an infinite time', '/3/0/13', Infinity, 'invalid-value', /not a valid time/],
    ['a date that is not one', '/3/0/13', 'yesterday', 'invalid-value', /not a valid time/],
    ['a malformed object link', '/1/0/10', '11', 'invalid-value', /not a valid objlnk/],
    ['an executable resource', '/1/0/8', 1, 'invalid-value', /executable, not writable/],
    ['a resource the model lacks', '/1/0/999', 1, 'unknown-resource', /unknown resource/],
    ['an object the models lack', '/3416/0/1', 1, 'unknown-resource', /unknown resource/],
    ['an instance given a scalar', '/1/0', 5, 'invalid-value', /takes an object of resources/],
    ['an instance given an array', '/1/0', [1], 'invalid-value', /takes an object of resources/],
    ['a non-numeric resource id', '/1/0', { x: 1 }, 'invalid-path', /"x" under \/1\/0 is not an id/],
    ['a resource id beyond 16 bits', '/1/0', { 70000: 1 }, 'invalid-path', /is not an id/],
    ['an object path', '/1', { 0: {} }, 'invalid-path', /not a resource path/],
  ])('refuses %s', (_name, path, value, code, message) => {
    const attempt = () => read(path, value);
    expect(attempt).toThrow(Lwm2mCodecError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (err) {
      expect((err as Lwm2mCodecError).code).toBe(code);
    }
  });
});
