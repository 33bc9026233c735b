import { type Lwm2mRecord } from './node';
import { Lwm2mPath } from './path';
import { recordTree } from './record-tree';

const r = (path: string, value: number, time?: number) =>
  ({
    path: Lwm2mPath.parse(path),
    type: 'integer',
    value,
    ...(time === undefined ? {} : { time }),
  }) as Lwm2mRecord;

describe('recordTree', () => {
  it('groups records by object, instance, resource and resource instance, keeping repeated values', () => {
    const tree = recordTree([
      r('/3/0/9', 80, 1),
      r('/3/0/6/0', 1),
      r('/3/0/9', 81, 2),
      r('/3/0/6/1', 5),
      r('/3424/1/1', 7),
    ]);
    expect([...tree.keys()]).toEqual([3, 3424]);
    const device = tree.get(3)?.get(0);
    expect(device?.get(9)?.values.map((x) => x.value)).toEqual([80, 81]);
    expect([...(device?.get(6)?.instances.keys() ?? [])]).toEqual([0, 1]);
    expect(tree.get(3424)?.get(1)?.get(1)?.values).toHaveLength(1);
  });

  it('ignores records that are not resources', () => {
    expect(recordTree([{ path: Lwm2mPath.parse('/3/0'), type: 'none', value: null }]).size).toBe(0);
  });
});
