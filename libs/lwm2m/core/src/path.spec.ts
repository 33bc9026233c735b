import { Lwm2mPath } from './path';

describe('Lwm2mPath', () => {
  it.each([
    ['/', 'root', '/'],
    ['/3', 'object', '/3'],
    ['3/0', 'instance', '/3/0'],
    ['/3/0/6/', 'resource', '/3/0/6'],
    ['/3/0/6/1', 'resourceInstance', '/3/0/6/1'],
    ['/65534/65534', 'instance', '/65534/65534'],
    ['', 'root', '/'],
    ['3/', 'object', '/3'],
    ['/007/00', 'instance', '/7/0'],
  ])('parses %s as a %s path', (text, level, canonical) => {
    const path = Lwm2mPath.parse(text);
    expect(path.level).toBe(level);
    expect(path.toString()).toBe(canonical);
  });

  it.each([
    '/65535',
    '/3/a',
    '/3//0',
    '/3//',
    '/1/2/3/4/5',
    '/-1',
    '/3/0x1',
    '/123456',
    '/ 3',
    '/3/0/'.repeat(2),
  ])('refuses %s', (text) => {
    expect(Lwm2mPath.tryParse(text)).toBeUndefined();
    expect(() => Lwm2mPath.parse(text)).toThrow(RangeError);
  });

  it('knows which paths contain which', () => {
    const instance = Lwm2mPath.parse('/3/0');
    expect(instance.contains(Lwm2mPath.parse('/3/0/6/1'))).toBe(true);
    expect(instance.contains(instance)).toBe(true);
    expect(instance.contains(Lwm2mPath.parse('/3/1/0'))).toBe(false);
    expect(instance.contains(Lwm2mPath.parse('/3'))).toBe(false);
    expect(Lwm2mPath.ROOT.contains(instance)).toBe(true);
  });

  it('sorts numerically with parents first', () => {
    const sorted = ['/3/0/10', '/3/0/6/1', '/3/0/6', '/3/0/6/0', '/1/0', '/3/0/9']
      .map((p) => Lwm2mPath.parse(p))
      .sort(Lwm2mPath.compare)
      .map(String);
    expect(sorted).toEqual(['/1/0', '/3/0/6', '/3/0/6/0', '/3/0/6/1', '/3/0/9', '/3/0/10']);
  });

  it('navigates to children and parents', () => {
    const p = Lwm2mPath.ROOT.child(3).child(0).child(6).child(1);
    expect(p.toString()).toBe('/3/0/6/1');
    expect(p.parent()?.toString()).toBe('/3/0/6');
    expect(() => p.child(1)).toThrow(RangeError);
    expect(Lwm2mPath.ROOT.parent()).toBeUndefined();
  });
});
