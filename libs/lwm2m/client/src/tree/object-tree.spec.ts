import { CoapCode, formatCode } from '@smartcity/coap';
import { Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';
import { Lwm2mOperationError } from '../lwm2m-operation.error';
import { TEST_DEVICE, TEST_LAMP } from '../testing/test-models';
import { ObjectTree } from './object-tree';

const p = Lwm2mPath.parse;
const rec = (path: string, type: Lwm2mRecord['type'], value: unknown) =>
  ({ path: p(path), type, value }) as Lwm2mRecord;

function tree(): ObjectTree {
  return new ObjectTree()
    .addObject(TEST_DEVICE)
    .addObject(TEST_LAMP)
    .addInstance(3, 0, {
      0: 'Acme',
      1: 'SL-1',
      6: new Map([
        [0, 1],
        [1, 5],
      ]),
      9: 87,
      13: 1_700_000_000,
    })
    .addInstance(3416, 0, { 1: 100, 3: 100, 5: false, 15: 12.5 });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof Lwm2mOperationError ? formatCode(e.code) : `unexpected ${String(e)}`;
  }
  return undefined;
}

describe('ObjectTree', () => {
  it('reads an instance as typed records in path order, skipping executable resources', () => {
    expect(
      tree()
        .read(p('/3/0'))
        .map((r) => [r.path.toString(), r.type, r.value]),
    ).toEqual([
      ['/3/0/0', 'string', 'Acme'],
      ['/3/0/1', 'string', 'SL-1'],
      ['/3/0/6/0', 'integer', 1],
      ['/3/0/6/1', 'integer', 5],
      ['/3/0/9', 'integer', 87],
      ['/3/0/13', 'time', 1_700_000_000],
    ]);
  });

  it('reads an object, a resource and a resource instance', () => {
    const t = tree();
    expect(t.read(p('/3416')).map((r) => r.path.toString())).toEqual([
      '/3416/0/1',
      '/3416/0/3',
      '/3416/0/5',
      '/3416/0/15',
    ]);
    expect(t.read(p('/3/0/9'))).toEqual([rec('/3/0/9', 'integer', 87)]);
    expect(t.read(p('/3/0/6/1'))).toEqual([rec('/3/0/6/1', 'integer', 5)]);
  });

  it.each([
    ['an unknown object', '/9999', '4.04'],
    ['an unknown instance', '/3/1', '4.04'],
    ['a resource the model lacks', '/3/0/77', '4.04'],
    ['a defined resource without value', '/3/0/14', '4.04'],
    ['an executable resource', '/3/0/4', '4.05'],
    ['the root', '/', '4.05'],
    ['a missing resource instance', '/3/0/6/9', '4.04'],
  ])('refuses to read %s (%s) with %s', (_what, path, code) => {
    expect(codeOf(() => tree().read(p(path)))).toBe(code);
  });

  it('replaces a writable resource and notifies write and change listeners', () => {
    const t = tree();
    const written: string[] = [];
    const changed: string[] = [];
    t.onWrite((path, v) => written.push(`${path.toString()}=${String(v)}`));
    t.onChange((path) => changed.push(path.toString()));
    t.write(p('/3416/0/1'), [rec('/3416/0/1', 'integer', 40)], 'replace');
    expect(t.get(p('/3416/0/1'))).toBe(40);
    expect(written).toEqual(['/3416/0/1=40']);
    expect(changed).toEqual(['/3416/0/1']);
  });

  it('replace on an instance removes optional writable resources absent from the payload, update keeps them', () => {
    const t = tree();
    t.write(p('/3416/0'), [rec('/3416/0/4', 'integer', 50)], 'update');
    expect(t.get(p('/3416/0/4'))).toBe(50);
    t.write(p('/3416/0'), [rec('/3416/0/1', 'integer', 10)], 'replace');
    expect(t.get(p('/3416/0/4'))).toBeUndefined();
    expect(t.get(p('/3416/0/1'))).toBe(10);
    expect(t.get(p('/3416/0/3'))).toBe(100); // read-only resources are not the server's to remove
  });

  it('merges resource instances on a partial update and replaces them on a replace', () => {
    const t = tree();
    t.write(
      p('/3416/0/30'),
      [rec('/3416/0/30/0', 'string', 'a'), rec('/3416/0/30/1', 'string', 'b')],
      'replace',
    );
    t.write(p('/3416/0'), [rec('/3416/0/30/2', 'string', 'c')], 'update');
    expect([...(t.get(p('/3416/0/30')) as Map<number, string>).values()]).toEqual(['a', 'b', 'c']);
    t.write(p('/3416/0/30'), [rec('/3416/0/30/5', 'string', 'z')], 'replace');
    expect([...(t.get(p('/3416/0/30')) as Map<number, string>).entries()]).toEqual([[5, 'z']]);
  });

  it.each([
    ['a read-only resource', '/3416/0/3', rec('/3416/0/3', 'integer', 1), '4.05'],
    ['a value of the wrong type', '/3416/0/1', rec('/3416/0/1', 'string', 'x'), '4.00'],
    ['a record outside the target', '/3416/0/1', rec('/3416/0/4', 'integer', 1), '4.00'],
    ['an unknown instance', '/3416/7', rec('/3416/7/1', 'integer', 1), '4.04'],
    ['an object path', '/3416', rec('/3416/0/1', 'integer', 1), '4.05'],
  ])('refuses a Write of %s and changes nothing', (_what, path, record, code) => {
    const t = tree();
    expect(codeOf(() => t.write(p(path), [record], 'replace'))).toBe(code);
    expect(t.get(p('/3416/0/1'))).toBe(100);
  });

  it('executes with the registered handler and refuses Execute on a non-executable resource', async () => {
    const t = tree();
    const calls: string[] = [];
    t.onExecute(3416, 16, (args, path) => {
      calls.push(`${path.toString()}:${args}`);
    });
    await t.execute(p('/3416/0/16'), "0='x'");
    expect(calls).toEqual(["/3416/0/16:0='x'"]);
    await expect(t.execute(p('/3416/0/1'), '')).rejects.toMatchObject({ code: CoapCode.MethodNotAllowed });
  });

  it('creates an instance with the lowest free id or the one given, and deletes it', () => {
    const t = tree();
    expect(t.create(3416, [])).toBe(1);
    expect(t.create(3416, [rec('/3416/5/1', 'integer', 20)])).toBe(5);
    expect(t.get(p('/3416/5/1'))).toBe(20);
    expect(t.instanceIds(3416)).toEqual([0, 1, 5]);
    t.delete(p('/3416/5'));
    expect(t.instanceIds(3416)).toEqual([0, 1]);
  });

  it.each([
    ['an existing instance id', 3416, [rec('/3416/0/1', 'integer', 1)], '4.00'],
    ['a second instance of a single-instance object', 3, [rec('/3/1/0', 'string', 'x')], '4.00'],
    ['an invalid value (the instance is rolled back)', 3416, [rec('/3416/9/1', 'boolean', true)], '4.00'],
  ])('refuses Create with %s', (_what, oid, records, code) => {
    const t = tree();
    expect(codeOf(() => t.create(oid, records))).toBe(code);
    expect(t.instanceIds(3416)).toEqual([0]);
  });

  it('lists Discover paths: instances then resources with values', () => {
    expect(tree().discoverPaths(p('/3416')).map(String)).toEqual([
      '/3416',
      '/3416/0',
      '/3416/0/1',
      '/3416/0/3',
      '/3416/0/5',
      '/3416/0/15',
    ]);
    expect(tree().discoverPaths(p('/3/0/6')).map(String)).toEqual(['/3/0/6']);
  });

  it('signals a device-side change only when the value differs', () => {
    const t = tree();
    const changed: string[] = [];
    t.onChange((path) => changed.push(path.toString()));
    t.set(p('/3/0/9'), 87);
    t.set(p('/3/0/9'), 86);
    t.set(
      p('/3/0/6'),
      new Map([
        [0, 1],
        [1, 5],
      ]),
    );
    expect(changed).toEqual(['/3/0/9']);
    expect(() => t.set(p('/3/0/9'), 'high')).toThrow(RangeError);
  });
});
