import fc from 'fast-check';
import { type Lwm2mRecord, Lwm2mPath } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { CATEGORIES } from './measurement';
import { MeasurementNormalizer } from './normalizer';

const registry = loadBundledRegistry();
const normalizer = new MeasurementNormalizer(registry);
const known = registry.objectIds();

const value = fc.oneof(
  fc.record({ type: fc.constant('float' as const), value: fc.double() }),
  fc.record({ type: fc.constant('integer' as const), value: fc.oneof(fc.integer(), fc.bigInt()) }),
  fc.record({ type: fc.constant('unsigned' as const), value: fc.nat() }),
  fc.record({ type: fc.constant('time' as const), value: fc.integer({ min: 0, max: 2 ** 32 }) }),
  fc.record({ type: fc.constant('boolean' as const), value: fc.boolean() }),
  fc.record({ type: fc.constant('string' as const), value: fc.string() }),
  fc.record({ type: fc.constant('opaque' as const), value: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({
    type: fc.constant('objlnk' as const),
    value: fc.record({ objectId: fc.nat(65535), instanceId: fc.nat(65535) }),
  }),
);

const record = fc
  .record({
    objectId: fc.oneof(fc.constantFrom(...known), fc.integer({ min: 0, max: 65534 })),
    instanceId: fc.nat(65534),
    resourceId: fc.oneof(fc.constantFrom(1, 3, 5, 6, 15, 39, 5518, 6042, 6049, 6050), fc.nat(65534)),
    resourceInstanceId: fc.option(fc.nat(65534), { nil: undefined }),
    time: fc.option(fc.double({ min: -1e10, max: 1e10, noNaN: true }), { nil: undefined }),
    v: value,
  })
  .map(
    (r) =>
      ({
        path: new Lwm2mPath(r.objectId, r.instanceId, r.resourceId, r.resourceInstanceId),
        type: r.v.type,
        value: r.v.value,
        ...(r.time !== undefined && { time: r.time }),
      }) as Lwm2mRecord,
  );

const versions = fc.dictionary(
  fc.constantFrom(...known.map(String)),
  fc.constantFrom('1.0', '1.1', '2.0', '2.5', '9.9', 'x'),
);

describe('MeasurementNormalizer (property)', () => {
  it('never throws, keeps every value that is not time/quality metadata, and emits well-formed records', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), versions, (records, vers) => {
        const out = normalizer.normalize(records, {
          tenant: 't',
          deviceId: 'd',
          endpoint: 'e',
          objectVersions: new Map(Object.entries(vers).map(([k, v]) => [Number(k), v])),
          receivedAt: 1_700_000_000_000,
        });
        const meta = new Set([5518, 6050, 6042, 6049]);
        const kept = records.filter((r) => !meta.has(r.path.resourceId as number));
        expect(out.length).toBeGreaterThanOrEqual(kept.length);
        expect(out.length).toBeLessThanOrEqual(records.length);
        for (const m of out) {
          expect(CATEGORIES).toContain(m.category);
          expect(m.metric).toMatch(/^[a-z0-9_]+\.[a-z0-9_]+$/);
          expect(['number', 'boolean', 'string']).toContain(typeof m.value);
          expect(Number.isFinite(m.time)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
