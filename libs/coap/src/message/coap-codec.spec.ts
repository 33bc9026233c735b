import fc from 'fast-check';
import { CoapFormatError, emptyMessage, parseCoapMessage, serializeCoapMessage } from './coap-codec';
import { type CoapMessage, CoapCode, CoapOption, CoapType, decodeUint, encodeUint } from './coap-message';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('parseCoapMessage', () => {
  it.each([
    // RFC 7252 §3: CON GET mid 0x1234 token 0xAB, Uri-Path "rd"
    [
      'CON POST with token, Uri-Path and payload',
      '41 02 1234 ab b2 7264 ff 3c2f3e',
      {
        type: CoapType.Confirmable,
        code: CoapCode.POST,
        messageId: 0x1234,
        token: 'ab',
        options: [[CoapOption.UriPath, '7264']],
        payload: '3c2f3e',
      },
    ],
    [
      'empty ACK',
      '60 00 0001',
      { type: CoapType.Acknowledgement, code: 0, messageId: 1, token: '', options: [], payload: '' },
    ],
    [
      'option delta 13 + extended byte (Uri-Query 15, then 60 via 1-byte extension)',
      '40 01 0000 f1 61'.replace('f1', 'd1 02'),
      {
        type: CoapType.Confirmable,
        code: CoapCode.GET,
        messageId: 0,
        token: '',
        options: [[15, '61']],
        payload: '',
      },
    ],
  ])('parses %s', (_name, wire, expected) => {
    const m = parseCoapMessage(hex(wire));
    expect({
      type: m.type,
      code: m.code,
      messageId: m.messageId,
      token: m.token.toString('hex'),
      options: m.options.map((o) => [o.number, o.value.toString('hex')]),
      payload: m.payload.toString('hex'),
    }).toEqual(expected);
  });

  it.each([
    ['3 bytes (truncated header)', '40 01 00', 'truncated-header', undefined],
    ['version 2', '80 01 0001', 'unsupported-version', undefined],
    ['token length 9', '49 01 0001 0102030405060708 09', 'reserved-token-length', CoapType.Confirmable],
    ['token length 15', '4f 01 0001', 'reserved-token-length', CoapType.Confirmable],
    ['token shorter than announced', '54 01 0001 0102', 'truncated-token', CoapType.NonConfirmable],
    [
      'option delta nibble 15 not as payload marker',
      '40 01 0001 f0',
      'reserved-option-nibble',
      CoapType.Confirmable,
    ],
    ['option length nibble 15', '40 01 0001 bf', 'reserved-option-nibble', CoapType.Confirmable],
    ['option value past the end', '40 01 0001 b5 7264', 'truncated-option', CoapType.Confirmable],
    ['extended delta past the end', '40 01 0001 d0', 'truncated-option', CoapType.Confirmable],
    [
      'payload marker without payload',
      '40 02 0001 b2 7264 ff',
      'empty-payload-after-marker',
      CoapType.Confirmable,
    ],
    ['empty message with a token', '41 00 0001 aa', 'empty-message-not-empty', CoapType.Confirmable],
  ])('refuses %s', (_name, wire, code, type) => {
    let error: unknown;
    try {
      parseCoapMessage(hex(wire));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CoapFormatError);
    expect((error as CoapFormatError).code).toBe(code);
    expect((error as CoapFormatError).header?.type).toBe(type);
  });
});

describe('RFC 7252 §3 fields and option encoding, round trip', () => {
  const base: CoapMessage = {
    type: CoapType.Confirmable,
    code: CoapCode.GET,
    messageId: 0,
    token: Buffer.alloc(0),
    options: [],
    payload: Buffer.alloc(0),
  };
  it.each([
    ['type CON', { type: CoapType.Confirmable }, '40010000'],
    ['type NON', { type: CoapType.NonConfirmable }, '50010000'],
    ['type ACK', { type: CoapType.Acknowledgement }, '60010000'],
    ['type RST', { type: CoapType.Reset }, '70010000'],
    ['token length 8', { token: Buffer.from('0102030405060708', 'hex') }, '480100000102030405060708'],
    ['code 2.05', { code: CoapCode.Content }, '40450000'],
    ['code 5.03', { code: CoapCode.ServiceUnavailable }, '40a30000'],
    ['message id 0xffff', { messageId: 0xffff }, '4001ffff'],
    // §3.1 option delta: 12 inline, 13 -> 1-byte extension (delta - 13), 269 -> 2-byte extension (delta - 269)
    ['delta 12 (inline)', { options: [{ number: 12, value: Buffer.alloc(0) }] }, '40010000c0'],
    ['delta 13 (1-byte ext 0)', { options: [{ number: 13, value: Buffer.alloc(0) }] }, '40010000d000'],
    ['delta 268 (1-byte ext 255)', { options: [{ number: 268, value: Buffer.alloc(0) }] }, '40010000d0ff'],
    ['delta 269 (2-byte ext 0)', { options: [{ number: 269, value: Buffer.alloc(0) }] }, '40010000e00000'],
    ['delta 65535 (2-byte ext)', { options: [{ number: 65535, value: Buffer.alloc(0) }] }, '40010000e0fef2'],
    [
      'length 12 (inline)',
      { options: [{ number: 1, value: Buffer.alloc(12, 7) }] },
      '400100001c' + '07'.repeat(12),
    ],
    [
      'length 13 (1-byte ext)',
      { options: [{ number: 1, value: Buffer.alloc(13, 7) }] },
      '400100001d00' + '07'.repeat(13),
    ],
    [
      'length 269 (2-byte ext)',
      { options: [{ number: 1, value: Buffer.alloc(269, 7) }] },
      '400100001e0000' + '07'.repeat(269),
    ],
    [
      'repeated option: delta 0',
      {
        options: [
          { number: 11, value: Buffer.from('a') },
          { number: 11, value: Buffer.from('b') },
        ],
      },
      '40010000b16101' + '62',
    ],
    ['payload after the marker', { payload: Buffer.from('hi') }, '40010000ff6869'],
  ] as [string, Partial<CoapMessage>, string][])('%s', (_name, fields, wire) => {
    const message = { ...base, ...fields };
    expect(serializeCoapMessage(message).toString('hex')).toBe(wire);
    const parsed = parseCoapMessage(Buffer.from(wire, 'hex'));
    expect({ ...parsed, token: parsed.token.toString('hex') }).toMatchObject({
      type: message.type,
      code: message.code,
      messageId: message.messageId,
      token: message.token.toString('hex'),
    });
    expect(parsed.options.map((o) => [o.number, o.value.toString('hex')])).toEqual(
      message.options.map((o) => [o.number, o.value.toString('hex')]),
    );
    expect(parsed.payload.equals(message.payload)).toBe(true);
  });

  it.each([
    ['an option number delta above 65804', [{ number: 70000, value: Buffer.alloc(0) }]],
    ['an option value longer than 65804', [{ number: 1, value: Buffer.alloc(65805) }]],
  ])('refuses to serialize %s', (_name, options) => {
    expect(() => serializeCoapMessage({ ...base, options })).toThrow(RangeError);
  });
});

describe('serializeCoapMessage', () => {
  it('sorts options and round-trips through the parser', () => {
    const m: CoapMessage = {
      type: CoapType.Acknowledgement,
      code: CoapCode.Created,
      messageId: 42,
      token: hex('0102'),
      options: [
        { number: CoapOption.LocationPath, value: Buffer.from('rd') },
        { number: CoapOption.LocationPath, value: Buffer.from('abc') },
        { number: CoapOption.ContentFormat, value: encodeUint(0) },
        { number: CoapOption.Observe, value: encodeUint(3) },
      ],
      payload: Buffer.from('x'),
    };
    const parsed = parseCoapMessage(serializeCoapMessage(m));
    expect(parsed.options.map((o) => o.number)).toEqual([6, 8, 8, 12]);
    expect(parsed.options.filter((o) => o.number === 8).map((o) => o.value.toString())).toEqual([
      'rd',
      'abc',
    ]);
    expect(parsed.payload.toString()).toBe('x');
  });

  it('writes 4-byte Reset and ACK messages', () => {
    expect(emptyMessage(CoapType.Reset, 0x1234).toString('hex')).toBe('70001234');
    expect(emptyMessage(CoapType.Acknowledgement, 7).toString('hex')).toBe('60000007');
  });

  it('round-trips arbitrary well-formed messages (property)', () => {
    const option = fc.record({
      number: fc.integer({ min: 1, max: 2000 }),
      value: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    });
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constantFrom(CoapType.Confirmable, CoapType.NonConfirmable, CoapType.Acknowledgement),
          code: fc.integer({ min: 1, max: 255 }),
          messageId: fc.integer({ min: 0, max: 0xffff }),
          token: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
          options: fc.array(option, { maxLength: 6 }),
          payload: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
        }),
        (m) => {
          const sorted = [...m.options].sort((a, b) => a.number - b.number);
          const parsed = parseCoapMessage(serializeCoapMessage(m));
          expect(parsed.code).toBe(m.code);
          expect(parsed.messageId).toBe(m.messageId);
          expect(parsed.token.equals(m.token)).toBe(true);
          expect(parsed.options.map((o) => [o.number, o.value.toString('hex')])).toEqual(
            sorted.map((o) => [o.number, o.value.toString('hex')]),
          );
          expect(parsed.payload.equals(m.payload)).toBe(true);
        },
      ),
    );
  });

  it('never throws anything but CoapFormatError on random bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseCoapMessage(Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(CoapFormatError);
        }
      }),
    );
  });
});

describe('uint options', () => {
  it.each([
    [0, ''],
    [1, '01'],
    [256, '0100'],
    [0xffffff, 'ffffff'],
  ])('%i <-> %s', (n, h) => {
    expect(encodeUint(n).toString('hex')).toBe(h);
    expect(decodeUint(Buffer.from(h, 'hex'))).toBe(n);
  });
});
