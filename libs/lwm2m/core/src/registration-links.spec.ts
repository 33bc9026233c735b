import { parseRegistrationLinks } from './registration-links';

describe('registration links (LwM2M Core 1.1.1 §6.2.1)', () => {
  it('extracts the root, the content formats and the object versions', () => {
    const r = parseRegistrationLinks(
      '</>;rt="oma.lwm2m";ct="60 110 112",</1/0>,</3>;ver=1.1,</3/0>,</3416>;ver=2.0,</3416/0>,</3424/1>',
    );
    expect(r.rootPath).toBe('/');
    expect(r.contentFormats).toEqual([60, 110, 112]);
    expect(r.objects.map((o) => o.path.toString())).toEqual([
      '/1/0',
      '/3',
      '/3/0',
      '/3416',
      '/3416/0',
      '/3424/1',
    ]);
    expect([...r.objectVersions]).toEqual([
      [1, '1.0'],
      [3, '1.1'],
      [3416, '2.0'],
      [3424, '1.0'],
    ]);
  });

  it('strips an alternate path from the object links', () => {
    const r = parseRegistrationLinks('</lwm2m>;rt="oma.lwm2m",</lwm2m/1/0>,</lwm2m/3416>;ver=3.0');
    expect(r.rootPath).toBe('/lwm2m');
    expect(r.objects.map((o) => o.path.toString())).toEqual(['/1/0', '/3416']);
    expect(r.objectVersions.get(3416)).toBe('3.0');
  });

  it('accepts a LwM2M 1.0 payload without a root link', () => {
    const r = parseRegistrationLinks('</1/0>,</3/0>');
    expect(r.rootPath).toBe('/');
    expect(r.contentFormats).toEqual([]);
    expect(r.objectVersions.get(3)).toBe('1.0');
  });

  it('takes a core object without `ver` at its version in the client enabler release (Core 1.1.1 §7.2.3, App. E)', () => {
    const r = parseRegistrationLinks('</1/0>,</3/0>,</4/0>,</6/0>,</3303/0>,</5>;ver=1.1', {
      lwm2mVersion: '1.1',
    });
    expect(Object.fromEntries(r.objectVersions)).toEqual({
      1: '1.1',
      3: '1.1',
      4: '1.2',
      5: '1.1',
      6: '1.0',
      3303: '1.0',
    });
    const v12 = parseRegistrationLinks('</1/0>,</3/0>', { lwm2mVersion: '1.2' });
    expect(Object.fromEntries(v12.objectVersions)).toEqual({ 1: '1.2', 3: '1.2' });
  });

  it.each([
    ['</3>;ver=two', 'ver'],
    ['</3/0>;ver=1.1', 'only allowed on an object link'],
    ['</3/0/1>', 'not an object or object instance link'],
    ['</lwm2m>;rt="oma.lwm2m",</1/0>', 'not an object'],
    ['</>;rt="oma.lwm2m";ct=abc', 'ct'],
    ['</3/0>;pmin=-1', 'pmin'],
    ['</3/0>;dim=300', 'dim'],
  ])('refuses %s', (text, message) => {
    expect(() => parseRegistrationLinks(text)).toThrow(
      expect.objectContaining({ code: 'invalid-link', message: expect.stringContaining(message) }),
    );
  });
});
