import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { CredentialInputError } from '../credentials/credential-input';
import { type BootstrapObjectWrite } from './bootstrap.repository';
import { typeObjectWrites } from './bootstrap-object-writes';

const registry = loadBundledRegistry();
const lampDefault: BootstrapObjectWrite = { path: '/3416/0', values: { 4: 80 }, categories: ['streetlight'] };

describe('typeObjectWrites', () => {
  it('types the values with the latest model of the object, or the version the write names', () => {
    const [latest, v1] = typeObjectWrites([lampDefault, { ...lampDefault, objectVersion: '1.0' }], registry);
    expect(latest?.model.version).toBe('3.0');
    expect(v1?.model.version).toBe('1.0');
    expect(latest?.path.toString()).toBe('/3416/0');
    expect(latest?.records.map((r) => [r.path.toString(), r.type, r.value])).toEqual([
      ['/3416/0/4', 'integer', 80],
    ]);
  });

  it.each<[string, BootstrapObjectWrite, RegExp]>([
    [
      'a value of the wrong type',
      { ...lampDefault, values: { 4: 'bright' } },
      /objectWrites\[0\]: \/3416\/0\/4: "bright" is not a valid integer/,
    ],
    [
      'a resource the model lacks',
      { ...lampDefault, values: { 999: 1 } },
      /objectWrites\[0\]: .*unknown resource/,
    ],
    [
      'an object the platform does not know',
      { ...lampDefault, path: '/39999/0' },
      /object 39999 is not an object/,
    ],
    [
      'a version the platform does not know',
      { ...lampDefault, objectVersion: '9.9' },
      /version 9.9 is not a version/,
    ],
    ['the Security object', { ...lampDefault, path: '/0/1' }, /the Security \(0\) and Server \(1\) objects/],
    ['the Server object', { ...lampDefault, path: '/1/0' }, /the Security \(0\) and Server \(1\) objects/],
    ['a resource path', { ...lampDefault, path: '/3416/0/4' }, /the path is an object instance/],
    ['no values', { ...lampDefault, values: {} }, /give 1 to 64 resource values/],
    ['an upper-case category', { ...lampDefault, categories: ['Streetlight'] }, /categories of lower-case/],
    ['a malformed version', { ...lampDefault, objectVersion: 'v2' }, /the object version is major.minor/],
  ])('refuses %s', (_name, write, message) => {
    const attempt = () => typeObjectWrites([write], registry);
    expect(attempt).toThrow(CredentialInputError);
    expect(attempt).toThrow(message);
  });

  it('refuses more than 16 writes and more than 16 KiB of JSON', () => {
    expect(() => typeObjectWrites(Array(17).fill(lampDefault), registry)).toThrow(/at most 16 object writes/);
    const big = {
      ...lampDefault,
      values: Object.fromEntries([...Array(60).keys()].map((i) => [i, 'x'.repeat(300)])),
    };
    expect(() => typeObjectWrites([big], registry)).toThrow(/at most 16384 bytes/);
  });
});
