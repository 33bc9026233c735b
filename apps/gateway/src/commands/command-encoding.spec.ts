import { ContentFormat } from '@smartcity/lwm2m-codec';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import {
  CommandInputError,
  decodeValues,
  encodeRecords,
  parsePath,
  toRecords,
  writeFormat,
} from './command-encoding';

const registry = loadBundledRegistry();
const lampV2 = registry.providerFor(new Map([[3416, '2.0']]));

describe('command encoding', () => {
  it.each([
    ['/3416/0/1', 42, [{ path: '/3416/0/1', value: 42 }]],
    [
      '/3416/0',
      { 1: 10, 4: 60 },
      [
        { path: '/3416/0/1', value: 10 },
        { path: '/3416/0/4', value: 60 },
      ],
    ],
  ])('round-trips %s through SenML JSON with the device model', (path, value, expected) => {
    const base = parsePath(path);
    const payload = encodeRecords(toRecords(lampV2, base, value), ContentFormat.SENML_JSON, base, lampV2);
    expect(decodeValues(payload, ContentFormat.SENML_JSON, base, lampV2)).toEqual(expected);
  });

  it.each([
    ['a string for an integer resource', '/3416/0/1', 'high', /not a valid integer/],
    ['a resource the model does not define', '/3416/0/999', 1, /unknown resource/],
    ['an instance written with a scalar', '/3416/0', 5, /takes an object/],
    ['a non-numeric id under an instance', '/3416/0', { x: 1 }, /is not an id/],
  ])('refuses %s', (_name, path, value, message) => {
    expect(() => toRecords(lampV2, parsePath(path), value)).toThrow(message);
  });

  it.each([
    ['1.0', ContentFormat.TLV],
    ['1.1', ContentFormat.SENML_JSON],
    [null, ContentFormat.SENML_JSON],
  ])('writes to an LwM2M %s device with content format %d', (version, format) => {
    expect(writeFormat(version)).toBe(format);
  });

  it('refuses a path outside the allowed depth', () => {
    expect(() => parsePath('/3416', 2, 4)).toThrow(CommandInputError);
    expect(() => parsePath('/a/b')).toThrow(CommandInputError);
  });
});
