import fc from 'fast-check';
import { INT64_MAX, INT64_MIN, Lwm2mPath, type Lwm2mRecord, UINT64_MAX } from '@smartcity/lwm2m-core';
import { ContentFormat } from './content-format';
import { ALL_TYPES_OBJECT, allTypesModels } from './testing/all-types-model';
import { NOW, decoder, encoder } from './testing/codec-test-kit';

const models = allTypesModels();

/** A value arbitrary per resource id of the all-types object (see TYPED_RESOURCES). */
function valueOf(id: number, exactJson: boolean): fc.Arbitrary<unknown> {
  const int64 = exactJson
    ? fc.maxSafeInteger()
    : fc
        .bigInt({ min: INT64_MIN, max: INT64_MAX })
        .map((b) => (Number.isSafeInteger(Number(b)) ? Number(b) : b));
  const uint64 = exactJson
    ? fc.maxSafeNat()
    : fc.bigInt({ min: 0n, max: UINT64_MAX }).map((b) => (Number.isSafeInteger(Number(b)) ? Number(b) : b));
  switch (id % 100) {
    case 0:
    case 8:
      return fc.string({ unit: 'grapheme', maxLength: 40 });
    case 1:
      return int64;
    case 2:
      return uint64;
    case 3:
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 4:
      return fc.boolean();
    case 5:
      return fc.uint8Array({ maxLength: 64 });
    case 6:
      return fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
    default:
      return fc.record({
        objectId: fc.integer({ min: 0, max: 65535 }),
        instanceId: fc.integer({ min: 0, max: 65535 }),
      });
  }
}

const TYPES = [
  'string',
  'integer',
  'unsigned',
  'float',
  'boolean',
  'opaque',
  'time',
  'objlnk',
  'corelnk',
] as const;

/** Distinct records of instance 0: single resources and instances of the multiple ones. */
function recordsArb(exactJson: boolean): fc.Arbitrary<Lwm2mRecord[]> {
  const key = fc.tuple(fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.integer({ min: 0, max: 3 }));
  return fc
    .uniqueArray(key, { maxLength: 12, selector: ([r, multi, i]) => (multi ? `${r}/${i}` : `${r}`) })
    .chain((keys) =>
      fc.tuple(
        ...keys.map(([r, multi, i]) => {
          const id = multi ? r + 100 : r;
          const path = multi
            ? new Lwm2mPath(ALL_TYPES_OBJECT, 0, id, i)
            : new Lwm2mPath(ALL_TYPES_OBJECT, 0, id);
          return valueOf(id, exactJson).map((value) => ({ path, type: TYPES[r], value }) as Lwm2mRecord);
        }),
      ),
    );
}

describe('property: decode(encode(records)) == records', () => {
  it.each([
    ['TLV', ContentFormat.TLV, false],
    ['LwM2M CBOR', ContentFormat.LWM2M_CBOR, false],
    ['SenML CBOR', ContentFormat.SENML_CBOR, false],
    ['SenML JSON', ContentFormat.SENML_JSON, true],
    ['LwM2M JSON', ContentFormat.JSON, true],
  ] as const)('for %s', (_, cf, exactJson) => {
    const path = new Lwm2mPath(ALL_TYPES_OBJECT, 0);
    fc.assert(
      fc.property(recordsArb(exactJson), (records) => {
        const bytes = encoder.encode(records, cf, { path, models });
        // TLV and LwM2M CBOR group instances under their resource: compare in path order.
        const byPath = (list: Lwm2mRecord[]) => [...list].sort((a, b) => Lwm2mPath.compare(a.path, b.path));
        expect(byPath(decoder.decode(bytes, cf, { path, models, now: () => NOW }))).toEqual(byPath(records));
      }),
      { numRuns: 300 },
    );
  });
});
