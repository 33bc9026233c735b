import { Lwm2mCodecError } from './codec-error';
import { parseLinkFormat, serializeLinkFormat } from './link-format';

describe('link format (RFC 6690 §2)', () => {
  it('parses LwM2M registration links with quoted and token values', () => {
    const links = parseLinkFormat('</>;rt="oma.lwm2m";ct=110,</1/0>,</3416>;ver=2.0,</3/0>');
    expect(links).toEqual([
      {
        uri: '/',
        attributes: [
          { name: 'rt', value: 'oma.lwm2m', quoted: true },
          { name: 'ct', value: '110' },
        ],
      },
      { uri: '/1/0', attributes: [] },
      { uri: '/3416', attributes: [{ name: 'ver', value: '2.0' }] },
      { uri: '/3/0', attributes: [] },
    ]);
  });

  it('keeps commas, semicolons and escaped quotes inside quoted strings', () => {
    const [link] = parseLinkFormat('</a>;title="x, y; \\"z\\"";hb');
    expect(link?.attributes).toEqual([{ name: 'title', value: 'x, y; "z"', quoted: true }, { name: 'hb' }]);
  });

  it('accepts whitespace after separators and an empty document', () => {
    expect(parseLinkFormat('</1/0>, </3/0>').map((l) => l.uri)).toEqual(['/1/0', '/3/0']);
    expect(parseLinkFormat('')).toEqual([]);
  });

  it('round-trips through the serializer', () => {
    const text =
      '</>;rt="oma.lwm2m";ct="60 110 112 11542",</1/0>,</3/0>;pmin=10;pmax=60;gt=20.5,</5>;ver=1.1';
    expect(serializeLinkFormat(parseLinkFormat(text))).toBe(text);
  });

  it('quotes values that are not tokens when serializing', () => {
    expect(
      serializeLinkFormat([
        {
          uri: '/a',
          attributes: [
            { name: 'rt', value: 'a b' },
            { name: 'x', value: '' },
          ],
        },
      ]),
    ).toBe('</a>;rt="a b";x=""');
  });

  it.each([
    ['</1/0', 'unterminated'],
    ['1/0>', 'expected "<"'],
    ['</1/0>;', 'parameter name'],
    ['</1/0>;ct=', 'empty value'],
    ['</1/0>;rt="abc', 'unterminated quoted-string'],
    ['</1/0> </3/0>', 'expected ","'],
    ['</1 0>', 'invalid character'],
  ])('refuses %s with the offset of the problem', (text, message) => {
    let error: unknown;
    try {
      parseLinkFormat(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Lwm2mCodecError);
    expect((error as Lwm2mCodecError).code).toBe('invalid-link');
    expect((error as Lwm2mCodecError).message).toContain(message);
    expect((error as Lwm2mCodecError).offset).toBeGreaterThanOrEqual(0);
  });

  it('enforces the number of links and document length limits', () => {
    const many = Array.from({ length: 11 }, (_, i) => `</${i}>`).join(',');
    expect(() => parseLinkFormat(many, { maxLinks: 10 })).toThrow(
      expect.objectContaining({ code: 'too-many-records' }),
    );
    expect(() => parseLinkFormat(many, { maxLength: 20 })).toThrow(
      expect.objectContaining({ code: 'payload-too-large' }),
    );
  });
});
