import { BUILTIN_OBJECT_MODELS, builtinModelProvider, compareVersions } from './index';

describe('built-in object models (generated from the OMNA DDF)', () => {
  it('carry the Device resources with their DDF types', () => {
    const device = builtinModelProvider(new Map([[3, '1.0']])).getObjectModel(3);
    expect(device?.version).toBe('1.0');
    expect(device?.resources.get(6)).toMatchObject({
      name: 'Available Power Sources',
      multiple: true,
      type: 'integer',
    });
    expect(device?.resources.get(13)).toMatchObject({ name: 'Current Time', type: 'time' });
    expect(device?.resources.get(4)).toMatchObject({ operations: 'E', type: 'none' });
  });

  it('pick the announced version, else the newest', () => {
    expect(builtinModelProvider().getObjectModel(3)?.version).toBe('1.2');
    expect(builtinModelProvider(new Map([[3, '1.1']])).getObjectModel(3)).toBeUndefined();
    expect(builtinModelProvider().getObjectModel(3416)?.resources.get(3)).toMatchObject({ units: '/100' });
    expect(builtinModelProvider().getObjectModel(9999)).toBeUndefined();
  });

  it('hold one model per (object, version)', () => {
    const keys = BUILTIN_OBJECT_MODELS.map((m) => `${m.id}@${m.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    ['1.10', '1.9', 1],
    ['2.0', '10.0', -1],
    ['1.0', '1.0', 0],
  ])('orders %s vs %s numerically', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});
