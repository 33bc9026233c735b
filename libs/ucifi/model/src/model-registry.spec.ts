import { type ObjectModel } from '@smartcity/lwm2m-core';
import { ModelRegistry, objectVersionsFromRecord } from './model-registry';

const model = (id: number, version: string): ObjectModel => ({
  id,
  version,
  name: `Object ${id}`,
  multiple: true,
  mandatory: false,
  resources: new Map(),
});

const registry = new ModelRegistry([
  model(3416, '1.0'),
  model(3416, '2.0'),
  model(3416, '3.0'),
  model(3303, '1.1'),
  model(3303, '1.10'),
]);

describe('ModelRegistry.resolve', () => {
  it.each([
    // objectId, announced, resolved, warning code
    [3416, undefined, '1.0', undefined],
    [3416, '2.0', '2.0', undefined],
    [3416, '2.00', '2.0', undefined],
    [3416, '2.5', '2.0', 'VERSION_FALLBACK_LOWER'],
    [3416, '9.0', '3.0', 'VERSION_FALLBACK_LOWER'],
    [3416, '0.9', '1.0', 'VERSION_FALLBACK_LOWEST'],
    [3416, 'abc', '1.0', 'VERSION_INVALID'],
    [3303, undefined, '1.1', 'VERSION_FALLBACK_LOWEST'],
    [3303, '1.9', '1.1', 'VERSION_FALLBACK_LOWER'],
    [3303, '1.12', '1.10', 'VERSION_FALLBACK_LOWER'],
    [3303, 'x', '1.1', 'VERSION_INVALID'],
  ])('object %i ver=%s resolves to %s (warning %s)', (id, announced, resolved, code) => {
    const r = registry.resolve(id, announced);
    expect(r?.resolvedVersion).toBe(resolved);
    expect(r?.model.version).toBe(resolved);
    expect(r?.requestedVersion).toBe(announced ?? '1.0');
    expect(r?.warning?.code).toBe(code);
    if (code) expect(r?.warning).toMatchObject({ objectId: id, resolvedVersion: resolved });
  });

  it('returns undefined for an unknown object so callers keep its data raw', () => {
    expect(registry.resolve(9999, '1.0')).toBeUndefined();
  });

  it('lists versions in numeric order', () => {
    expect(registry.versions(3303)).toEqual(['1.1', '1.10']);
    expect(registry.versions(9999)).toEqual([]);
    expect(registry.latest(3416)?.version).toBe('3.0');
  });

  it('refuses two models for the same object version', () => {
    expect(() => new ModelRegistry([model(1, '1.0'), model(1, '1.0')])).toThrow('defined twice');
  });
});

describe('ModelRegistry.providerFor', () => {
  it('answers with the announced version and collects the fallback warnings eagerly', () => {
    const provider = registry.providerFor(
      new Map([
        [3416, '2.0'],
        [3303, '1.0'],
        [9999, '1.0'],
      ]),
    );
    expect(provider.getObjectModel(3416)?.version).toBe('2.0');
    expect(provider.getObjectModel(9999)).toBeUndefined();
    expect(provider.warnings.map((w) => [w.objectId, w.code])).toEqual([[3303, 'VERSION_FALLBACK_LOWEST']]);
  });

  it('resolves objects the registration did not announce as version 1.0, once', () => {
    const provider = registry.providerFor(new Map());
    expect(provider.getObjectModel(3416)?.version).toBe('1.0');
    provider.getObjectModel(3303);
    provider.getObjectModel(3303);
    expect(provider.warnings).toHaveLength(1);
  });
});

describe('objectVersionsFromRecord', () => {
  it('converts the uplink contract record and ignores non-id keys', () => {
    expect([...objectVersionsFromRecord({ '3416': '2.0', x: '1.0' })]).toEqual([[3416, '2.0']]);
  });
});
