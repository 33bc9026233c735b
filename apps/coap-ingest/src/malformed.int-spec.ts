import {
  blockOption,
  CoapCode,
  CoapOption,
  CoapType,
  serializeCoapMessage,
  stringOptions,
  uintOption,
  uintOptionOf,
} from '@smartcity/coap';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

jest.setTimeout(60_000);

describe('coap-ingest against malformed and special datagrams (RFC 7252)', () => {
  const world = new IngestTestWorld();
  let app: IngestApp;
  let device: TestDevice;

  beforeAll(async () => {
    await world.createTenant();
    app = await world.startIngest();
    device = new TestDevice(app.coapPort());
    await device.open();
  });

  afterAll(async () => {
    device.close();
    await world.cleanup();
  });

  it.each([
    // [name, datagram, expected answer: 'RST' | 'none' | CoAP code]
    ['truncated header (3 bytes)', '40 02 12', 'none'],
    ['CON with token length 9', '49 02 1301 010203040506070809', 'RST'],
    ['CON with token length 15', '4f 02 1302', 'RST'],
    ['NON with token length 12', '5c 02 1303 010203040506070809101112', 'none'],
    ['CON with option delta nibble 15', '40 02 1304 f1 61', 'RST'],
    ['CON with option length nibble 15', '40 02 1305 bf', 'RST'],
    ['CON with payload marker but no payload', '40 02 1306 b2 7264 ff', 'RST'],
    ['CON with an option running past the end', '40 02 1307 b9 7264', 'RST'],
    ['CON with a reserved code class 7', '40 e0 1308', 'RST'],
    ['CON ping (empty message)', '40 00 1309', 'RST'],
    ['NON empty message', '50 00 130a', 'none'],
    [
      'CON POST /rd with unknown critical option 2049 -> 4.02',
      '40 02 130b b2 7264 e1 06e9 61',
      CoapCode.BadOption,
    ],
    [
      'NON POST /rd with unknown critical option 2049 -> silently ignored',
      '50 02 130c b2 7264 e1 06e9 61',
      'none',
    ],
    ['CON POST /rd with Proxy-Uri -> 5.05', '40 02 130d b2 7264 d1 0b 61', CoapCode.ProxyingNotSupported],
    [
      'CON POST /rd with OSCORE (an unsupported critical option, RFC 8613) -> 4.02',
      '40 02 130e 90 22 7264',
      CoapCode.BadOption,
    ],
    [
      'CON POST /rd as one Block1 block without parameters (RFC 7959 single block) -> 4.00',
      '40 02 1314 b2 7264 d1 03 00',
      CoapCode.BadRequest,
    ],
    [
      'CON POST /rd with a reserved Block1 size (SZX 7) -> 4.02',
      '40 02 1315 b2 7264 d1 03 07',
      CoapCode.BadOption,
    ],
    ['CON GET on an unknown resource -> 4.04', '40 01 130f b3 666f6f', CoapCode.NotFound],
    ['CON GET /rd -> 4.05', '40 01 1310 b2 7264', CoapCode.MethodNotAllowed],
    ['unmatched RST', '70 00 1311', 'none'],
    ['unmatched ACK', '60 00 1312', 'none'],
    ['version 2', '80 01 1313', 'none'],
  ])('%s', async (_name, wire, expected) => {
    const bytes = hex(wire);
    const mid = bytes.length >= 4 ? bytes.readUInt16BE(2) : 0x4012;
    const answer = device.waitFor(mid, expected === 'none' ? 400 : 3000);
    device.sendRaw(bytes);
    const m = await answer;
    if (expected === 'none') expect(m).toBeUndefined();
    else if (expected === 'RST') {
      expect(m?.type).toBe(CoapType.Reset);
      expect(m?.code).toBe(0);
    } else {
      expect(m?.type).toBe(CoapType.Acknowledgement);
      expect(m?.code).toBe(expected);
    }
  });

  it('keeps serving after all of them, and counts the malformed datagrams', async () => {
    const r = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: ['lwm2m=9'],
      payload: '</1/0>',
    });
    expect(r.code).toBe(CoapCode.BadRequest);
    const metrics = await app.registry.getSingleMetricAsString('coap_ingest_malformed_datagrams_total');
    expect(metrics).toMatch(/problem="reserved-token-length"[^}]*} 3/);
    expect(metrics).toMatch(/problem="empty-payload-after-marker"[^}]*} 1/);
  });

  it('answers a retransmitted request (same message id) with the same response, processed once', async () => {
    const mid = device.allocate();
    const first = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: ['lwm2m=9'],
      payload: '</1/0>',
      messageId: mid,
    });
    const second = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: ['lwm2m=9'],
      payload: '</1/0>',
      messageId: mid,
    });
    expect(second.code).toBe(first.code);
    expect(second.payload.equals(first.payload)).toBe(true);
    const duplicates = await app.registry.getSingleMetricAsString('coap_ingest_duplicate_messages_total');
    expect(duplicates).toMatch(/ 1$/m);
  });

  it('never answers an unregistered peer with more than 3x the bytes it sent', async () => {
    // A 12-byte request whose 4.00 diagnostic would be far larger than 36 bytes.
    const mid = device.allocate();
    const bytes = hex(`40 02 ${mid.toString(16).padStart(4, '0')} b2 7264 47 6c776d326d3d39`); // POST /rd?lwm2m=9
    const answer = device.waitFor(mid);
    device.sendRaw(bytes);
    const m = await answer;
    expect(m?.code).toBe(CoapCode.BadRequest);
    expect(4 + m!.token.length + m!.payload.length).toBeLessThanOrEqual(3 * bytes.length);
  });

  it('refuses a Block1 body announced above the maximum with 4.13 and Size1 (RFC 7959 §2.9.3)', async () => {
    const mid = device.allocate();
    const bytes = serializeCoapMessage({
      type: CoapType.Confirmable,
      code: CoapCode.POST,
      messageId: mid,
      token: Buffer.of(1, 2),
      options: [
        ...stringOptions(CoapOption.UriPath, ['dp']),
        uintOption(CoapOption.ContentFormat, 112),
        blockOption(CoapOption.Block1, { num: 0, more: true, szx: 6 }),
        uintOption(CoapOption.Size1, 1_000_000),
      ],
      payload: Buffer.alloc(1024, 1),
    });
    const answer = device.waitFor(mid);
    device.sendRaw(bytes);
    const m = await answer;
    expect(m?.code).toBe(CoapCode.RequestEntityTooLarge);
    expect(uintOptionOf(m!, CoapOption.Size1)).toBe(app.config.MAX_PAYLOAD_BYTES);
  });
});
