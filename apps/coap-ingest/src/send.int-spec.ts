import { CoapCode, CoapOption, decodeUint, getOption, getOptions } from '@smartcity/coap';
import { type UplinkMessage, valueTimeOf } from '@smartcity/platform-contracts';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld, KAFKA_BROKER, TcpProxy } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(60_000);

describe('coap-ingest Send to Kafka (real Redis, Kafka, PostgreSQL)', () => {
  const world = new IngestTestWorld();
  const proxy = new TcpProxy({ host: '127.0.0.1', port: Number(KAFKA_BROKER.split(':')[1]) });
  let app: IngestApp;
  let device: TestDevice;
  const endpoint = `send-${world.run}`;

  beforeAll(async () => {
    await proxy.start();
    await world.createTenant();
    await world.provision(endpoint);
    // Every broker connection of this instance goes through the proxy, so the test can cut Kafka for it
    // alone without touching the shared broker.
    app = await world.startIngest(
      { KAFKA_SEND_TIMEOUT_MS: 1000 },
      { kafkaConnectVia: () => ({ host: '127.0.0.1', port: proxy.port }) },
    );
    await world.readUplinks();
    device = new TestDevice(app.coapPort());
    await device.open();
    const r = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1'],
      payload: '</3303/0>',
    });
    expect(r.code).toBe(CoapCode.Created);
  });

  afterAll(async () => {
    device.close();
    await world.cleanup();
    await proxy.close();
  });

  it.each([
    ['SenML JSON', 110, Buffer.from(JSON.stringify([{ bn: '/3303/0/', n: '5700', v: 21.5 }]))],
    [
      'SenML CBOR',
      112, // [{-2: "/3303/0/", 0: "5700", 2: 21.5}] (RFC 8428 §6 CBOR labels; 21.5 as half float)
      Buffer.from('81a321682f333330332f302f00643537303002f94d60', 'hex'),
    ],
  ])(
    'a Send with %s appears exactly once on Kafka, with its raw payload',
    async (_name, contentFormat, payload) => {
      const r = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat });
      expect(r.code).toBe(CoapCode.Changed);
      const match = (u: { kind: string; endpoint: string }) =>
        u.kind === 'send' &&
        u.endpoint === endpoint &&
        'payload' in u &&
        u.payload === payload.toString('base64');
      await world.waitForUplinks(match, 1);
      await world.sentinel(); // nothing more on its way
      const found = world.uplinks.filter(match);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        contentFormat,
        tenant: world.tenant,
        objectVersions: { '3303': '1.0' },
      });
    },
  );

  it.each([
    ['truncated SenML CBOR', 112, Buffer.from('81a2', 'hex')],
    ['SenML JSON that is no JSON', 110, Buffer.from('[{"n":"/3303/0/5700","v":')],
    ['SenML with a name that is no LwM2M path', 110, Buffer.from('[{"n":"temperature","v":1}]')],
    // Leshan 2.0's decimal-fraction bt (RFC 8428 §6, CBOR tag 4) is decodable: it must be taken.
  ])(
    'refuses an undecodable Send (%s) with 4.00 and a diagnostic; nothing reaches Kafka',
    async (_name, cf, payload) => {
      const r = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat: cf });
      expect(r.code).toBe(CoapCode.BadRequest);
      expect(r.payload.toString()).toMatch(/^undecodable payload: /);
      const before = world.uplinks.length;
      await world.sentinel();
      expect(
        world.uplinks.slice(before).filter((u) => u.kind === 'send' && u.endpoint === endpoint),
      ).toHaveLength(0);
    },
  );

  it('takes a SenML CBOR Send whose base time is a decimal fraction (RFC 8428 §6, as Leshan 2.0 sends it)', async () => {
    // [{bt: 4([-9, 1700000000123456789]), n: "/3303/0/5700", v: 21.5}]
    const payload = Buffer.from(
      '81a322c482281b17979cfe3d85cd15006c2f333330332f302f3537303002fb4035800000000000',
      'hex',
    );
    const r = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat: 112 });
    expect(r.code).toBe(CoapCode.Changed);
  });

  it('refuses a Send in an unsupported content format with 4.15', async () => {
    const r = await device.request({ code: CoapCode.POST, path: ['dp'], payload: 'x', contentFormat: 0 });
    expect(r.code).toBe(CoapCode.UnsupportedContentFormat);
  });

  it('refuses a Send from an address without a registration with 4.03', async () => {
    const stranger = new TestDevice(app.coapPort());
    await stranger.open();
    const r = await stranger.request({
      code: CoapCode.POST,
      path: ['dp'],
      payload: '[]',
      contentFormat: 110,
    });
    stranger.close();
    expect(r.code).toBe(CoapCode.Forbidden);
  });

  it('answers 5.03 with Max-Age while Kafka is unreachable, and the retried Send is stored afterwards', async () => {
    const payload = Buffer.from(JSON.stringify([{ n: '/3303/0/5700', v: 99.25 }]));
    proxy.cut();
    const refused = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat: 110 });
    expect(refused.code).toBe(CoapCode.ServiceUnavailable);
    expect(decodeUint(getOption(refused, CoapOption.MaxAge))).toBeGreaterThan(0);
    expect(await app.isReady()).toBe(false);

    proxy.restore();
    // The device retries (a new message, RFC 7252 §5.9.3.4 5.03) until the platform takes it.
    let code = 0;
    for (let attempt = 0; attempt < 20 && code !== CoapCode.Changed; attempt++) {
      const retry = await device.request({ code: CoapCode.POST, path: ['dp'], payload, contentFormat: 110 });
      code = retry.code;
      if (code !== CoapCode.Changed) await new Promise((res) => setTimeout(res, 500));
    }
    expect(code).toBe(CoapCode.Changed);
    const match = (u: UplinkMessage) => u.kind === 'send' && u.payload === payload.toString('base64');
    await world.waitForUplinks(match, 1);
    await world.sentinel();
    const stored = world.uplinks.filter(match);
    expect(stored.length).toBeGreaterThanOrEqual(1);
    // Issue 16 finding 4: the retry carries the first attempt's receive time, so its untimed values get the rows
    // a first attempt stored after all would have (every copy has one value time).
    const acknowledged = stored.at(-1)!;
    expect(acknowledged).toHaveProperty('firstReceivedAt');
    expect(new Set(stored.map(valueTimeOf)).size).toBe(1);
    expect(valueTimeOf(acknowledged)).toBeLessThan(acknowledged.receivedAt);
  });

  it('limits an endpoint to its rate with 4.29 and Max-Age', async () => {
    const flood = await Promise.all(
      Array.from({ length: 40 }, () =>
        device.request({
          code: CoapCode.POST,
          path: ['dp'],
          payload: '[{"n":"/3/0/0","vs":"x"}]',
          contentFormat: 110,
        }),
      ),
    );
    const limited = flood.filter((m) => m.code === CoapCode.TooManyRequests);
    expect(limited.length).toBeGreaterThan(0);
    expect(decodeUint(getOption(limited[0]!, CoapOption.MaxAge))).toBeGreaterThan(0);
    expect(getOptions(limited[0]!, CoapOption.MaxAge)).toHaveLength(1);
  });
});
