import {
  type DataType,
  INT64_MAX,
  INT64_MIN,
  Lwm2mPath,
  type Lwm2mRecord,
  UINT64_MAX,
} from '@smartcity/lwm2m-core';
import { ContentFormat } from './content-format';
import { ALL_TYPES_OBJECT, TYPED_RESOURCES, allTypesModels } from './testing/all-types-model';
import { NOW, decoder, encoder } from './testing/codec-test-kit';

const models = allTypesModels();
const EDGE_VALUES: Record<Exclude<DataType, 'none'>, unknown[]> = {
  string: ['', 'Open Mobile Alliance', 'héllo ✓ 😀', 'quote " and \\ backslash'],
  integer: [
    0,
    -1,
    127,
    -128,
    32768,
    2 ** 31,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    INT64_MAX,
    INT64_MIN,
  ],
  unsigned: [0, 255, 65536, 2 ** 32, Number.MAX_SAFE_INTEGER, UINT64_MAX],
  float: [0, -0, 1.5, -2.25, 0.1, 1e-300, -1.7976931348623157e308, 3.4028234663852886e38],
  boolean: [true, false],
  opaque: [new Uint8Array(0), new Uint8Array([0, 255, 1, 254]), new Uint8Array(300).fill(7)],
  time: [0, -1, -2208988800, 1367491215, 4102444800],
  objlnk: [
    { objectId: 0, instanceId: 0 },
    { objectId: 3, instanceId: 0 },
    { objectId: 65535, instanceId: 65535 },
  ],
  corelnk: ['</3/0>;ver=1.1,</1/0>', ''],
};

const FORMATS: Array<[string, number]> = [
  ['TLV', ContentFormat.TLV],
  ['LwM2M JSON', ContentFormat.JSON],
  ['SenML JSON', ContentFormat.SENML_JSON],
  ['SenML CBOR', ContentFormat.SENML_CBOR],
  ['LwM2M CBOR', ContentFormat.LWM2M_CBOR],
];
/** JSON numbers are IEEE doubles (RFC 8259 §6, RFC 8428 §4.3): integers beyond 2**53 do not survive them. */
const jsonSafe = (cf: number, v: unknown) =>
  !(cf === ContentFormat.JSON || cf === ContentFormat.SENML_JSON) || typeof v !== 'bigint';

const cases: Array<[string, string, unknown, number]> = [];
for (const [name, cf] of FORMATS) {
  for (const [type, id] of TYPED_RESOURCES) {
    for (const value of EDGE_VALUES[type as Exclude<DataType, 'none'>]) {
      if (jsonSafe(cf, value)) cases.push([name, type, value, id]);
    }
  }
}

const cfOf = (name: string) => FORMATS.find(([n]) => n === name)?.[1] as number;
const roundTrip = (records: Lwm2mRecord[], cf: number, path: Lwm2mPath) =>
  decoder.decode(encoder.encode(records, cf, { path, models }), cf, { path, models, now: () => NOW });

describe('round trips of every data type through every multi-value format', () => {
  it.each(cases)('%s keeps %s %p', (name, type, value, id) => {
    const cf = cfOf(name);
    const single = { path: new Lwm2mPath(ALL_TYPES_OBJECT, 0, id), type, value } as Lwm2mRecord;
    const multi = { path: new Lwm2mPath(ALL_TYPES_OBJECT, 0, id + 100, 7), type, value } as Lwm2mRecord;
    const path = new Lwm2mPath(ALL_TYPES_OBJECT, 0);
    expect(roundTrip([single, multi], cf, path)).toEqual([single, multi]);
  });

  it.each(FORMATS.filter(([n]) => n.startsWith('SenML') || n === 'LwM2M JSON'))(
    '%s keeps record times',
    (name) => {
      const cf = cfOf(name);
      const records = [1767225000, 1767225060.5].map(
        (time, i) =>
          ({
            path: new Lwm2mPath(ALL_TYPES_OBJECT, 0, 3),
            type: 'float',
            value: i + 0.5,
            time,
          }) as Lwm2mRecord,
      );
      expect(roundTrip(records, cf, Lwm2mPath.ROOT)).toEqual(records);
    },
  );

  it.each([
    [1.5, 'c4', 6],
    [0.1, 'c8', 11],
  ])(
    'TLV writes float %d with type byte %s in %d bytes (single precision when exact)',
    (value, typeByte, total) => {
      const path = new Lwm2mPath(ALL_TYPES_OBJECT, 0, 3);
      const bytes = encoder.encode([{ path, type: 'float', value }], ContentFormat.TLV, { path, models });
      expect(Buffer.from(bytes.subarray(0, 1)).toString('hex')).toBe(typeByte);
      expect(bytes.length).toBe(total);
    },
  );

  it('text and CBOR single values keep every edge value', () => {
    for (const [type, id] of TYPED_RESOURCES) {
      for (const value of EDGE_VALUES[type as Exclude<DataType, 'none'>]) {
        const path = new Lwm2mPath(ALL_TYPES_OBJECT, 0, id);
        const record = { path, type, value } as Lwm2mRecord;
        for (const cf of [ContentFormat.TEXT, ContentFormat.CBOR]) {
          expect(roundTrip([record], cf, path)).toEqual([record]);
        }
      }
    }
  });
});
