import { INT64_MAX, Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { recordToJson, recordsFromJson, recordsToJsonText } from './record-json';

const r = (path: string, type: Lwm2mRecord['type'], value: unknown, time?: number) =>
  ({ path: Lwm2mPath.parse(path), type, value, ...(time === undefined ? {} : { time }) }) as Lwm2mRecord;

describe('CLI JSON form of records', () => {
  it.each([
    [r('/3/0/13', 'time', -1), '1969-12-31T23:59:59Z'],
    [r('/5/0/0', 'opaque', new Uint8Array([1, 2, 3])), 'AQID'],
    [r('/3/0/22', 'objlnk', { objectId: 3410, instanceId: 0 }), '3410:0'],
    [r('/3/0/9', 'integer', INT64_MAX), '9223372036854775807'],
    [r('/3416/0/15', 'float', NaN), 'NaN'],
    [r('/3416/0/15', 'float', -0), '-0'],
    [r('/1/0/6', 'boolean', false), false],
  ])('prints %p as %p and reads it back', (record, value) => {
    expect(recordToJson(record).value).toEqual(value);
    expect(recordsFromJson(JSON.parse(JSON.stringify([recordToJson(record)])))).toEqual([record]);
  });

  it('sorts by path and keeps the order of records sharing a path', () => {
    const text = recordsToJsonText([
      r('/3/0/9', 'integer', 2, 1767225060),
      r('/1/0/1', 'integer', 60),
      r('/3/0/9', 'integer', 1, 1767225000),
    ]);
    expect(
      (JSON.parse(text) as Array<{ path: string; value: number }>).map((x) => `${x.path}=${x.value}`),
    ).toEqual(['/1/0/1=60', '/3/0/9=2', '/3/0/9=1']);
  });

  it.each([
    [{}, 'JSON array'],
    [[{ path: '/3/0', type: 'integer', value: 1, extra: 1 }], 'unknown field "extra"'],
    [[{ path: '/3/x', type: 'integer', value: 1 }], 'not an LwM2M path'],
    [[{ path: '/3/0/9', type: 'int', value: 1 }], 'not an LwM2M data type'],
    [[{ path: '/3/0/9', type: 'unsigned', value: -1 }], 'not a valid unsigned'],
    [[{ path: '/3/0/9', type: 'integer', value: 1, time: '2020-01-01' }], 'ISO-8601'],
  ])('refuses %j', (doc, message) => {
    expect(() => recordsFromJson(doc)).toThrow(message);
  });
});
