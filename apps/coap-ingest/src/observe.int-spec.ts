import {
  CoapCode,
  CoapOption,
  CoapType,
  encodeUint,
  getOption,
  getOptions,
  type CoapMessage,
} from '@smartcity/coap';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(60_000);

describe('coap-ingest observes per tenant device profile', () => {
  const world = new IngestTestWorld();
  const endpoint = `obs-${world.run}`;
  let app: IngestApp;
  let device: TestDevice;
  const serverRequests: CoapMessage[] = [];

  beforeAll(async () => {
    await world.createTenant({
      observe: [
        { path: '/3303/0/5700', attributes: { pmin: 1, pmax: 60, st: 0.5 } },
        { path: '/9999/0' }, // object not registered by the device: skipped
      ],
    });
    await world.provision(endpoint, 'default');
    app = await world.startIngest();
    await world.readUplinks();
    device = new TestDevice(app.coapPort());
    await device.open();
    device.onRequest = (m) => {
      serverRequests.push(m);
      if (m.code === CoapCode.PUT) return { code: CoapCode.Changed };
      if (m.code === CoapCode.GET && getOption(m, CoapOption.Observe) !== undefined) {
        return {
          code: CoapCode.Content,
          options: [
            { number: CoapOption.Observe, value: encodeUint(1) },
            { number: CoapOption.ContentFormat, value: encodeUint(0) },
          ],
          payload: Buffer.from('20.5'),
        };
      }
      return { code: CoapCode.NotFound };
    };
  });

  afterAll(async () => {
    device.close();
    await world.cleanup();
  });

  it('writes the attributes, observes, and publishes CON and NON notifications; cancels on De-register', async () => {
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1'],
      payload: '</1/0>,</3/0>,</3303/0>',
    });
    expect(created.code).toBe(CoapCode.Created);
    const id = getOptions(created, CoapOption.LocationPath)[1]!.toString();

    for (let i = 0; i < 60 && serverRequests.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const [writeAttributes, observe] = serverRequests;
    expect(writeAttributes!.code).toBe(CoapCode.PUT);
    expect(getOptions(writeAttributes!, CoapOption.UriPath).map(String)).toEqual(['3303', '0', '5700']);
    expect(getOptions(writeAttributes!, CoapOption.UriQuery).map(String)).toEqual([
      'pmin=1',
      'pmax=60',
      'st=0.5',
    ]);
    expect(observe!.code).toBe(CoapCode.GET);
    expect(getOption(observe!, CoapOption.Observe)?.length).toBe(0); // Observe=0 (register)
    const token = observe!.token;

    const conMid = device.notify(token, 2, Buffer.from('21.5'), 0, true);
    const ack = await device.waitFor(conMid);
    expect(ack?.type).toBe(CoapType.Acknowledgement);
    device.notify(token, 3, Buffer.from('22.5'), 0, false);

    const notifications = await world.waitForUplinks(
      (u) => u.endpoint === endpoint && u.kind === 'notify',
      3,
    );
    expect(
      notifications.map((n) => ('payload' in n ? Buffer.from(n.payload, 'base64').toString() : '')),
    ).toEqual(['20.5', '21.5', '22.5']);
    expect(notifications[1]).toMatchObject({
      paths: ['/3303/0/5700'],
      observeSeq: 2,
      contentFormat: 0,
      token: token.toString('hex'),
    });
    expect(serverRequests).toHaveLength(2); // nothing sent for /9999/0

    const deleted = await device.request({ code: CoapCode.DELETE, path: ['rd', id] });
    expect(deleted.code).toBe(CoapCode.Deleted);
    // The observation is gone: a later notification is rejected with a Reset (RFC 7641 §3.6).
    const lateMid = device.notify(token, 4, Buffer.from('23.5'), 0, true);
    const reset = await device.waitFor(lateMid);
    expect(reset?.type).toBe(CoapType.Reset);
  });

  it('runs device requests through the internal API and reports typed results', async () => {
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1'],
      payload: '</3/0>',
    });
    expect(created.code).toBe(CoapCode.Created);
    const read = await app.requests.execute(endpoint, { op: 'read', path: '/3/0/0' }, Date.now() + 5000);
    expect(read).toMatchObject({ status: 'completed', coapCode: '4.04' });
    const unknown = await app.requests.execute(
      `nobody-${world.run}`,
      { op: 'read', path: '/3/0/0' },
      Date.now() + 5000,
    );
    expect(unknown.status).toBe('not-registered');
  });
});
