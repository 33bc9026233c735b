import { CoapCode, CoapOption, getOptions, type CoapMessage } from '@smartcity/coap';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(60_000);

describe('coap-ingest queue mode (LwM2M Transport §6.5)', () => {
  const world = new IngestTestWorld();
  const endpoint = `queue-${world.run}`;

  beforeAll(async () => {
    await world.createTenant();
    await world.provision(endpoint);
  });

  afterAll(() => world.cleanup());

  it('holds a request while the device sleeps and sends it right after its next uplink', async () => {
    const app = await world.startIngest({ QUEUE_AWAKE_WINDOW_S: 1 });
    const device = new TestDevice(app.coapPort());
    await device.open();
    const seen: { at: number; m: CoapMessage }[] = [];
    device.onRequest = (m) => {
      seen.push({ at: Date.now(), m });
      return { code: CoapCode.Content, payload: Buffer.from('ok') };
    };
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lwm2m=1.1', 'Q'],
      payload: '</3/0>',
    });
    expect(created.code).toBe(CoapCode.Created);
    const id = getOptions(created, CoapOption.LocationPath)[1]!.toString();
    await new Promise((r) => setTimeout(r, 1300)); // the awake window passed: the device sleeps

    const result = app.requests.execute(endpoint, { op: 'read', path: '/3/0/0' }, Date.now() + 10_000);
    await new Promise((r) => setTimeout(r, 700));
    expect(seen).toHaveLength(0); // held
    const wokeAt = Date.now();
    const update = await device.request({ code: CoapCode.POST, path: ['rd', id] });
    expect(update.code).toBe(CoapCode.Changed);
    expect(await result).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.at).toBeGreaterThanOrEqual(wokeAt);

    await new Promise((r) => setTimeout(r, 1300));
    const expired = await app.requests.execute(endpoint, { op: 'read', path: '/3/0/0' }, Date.now() + 300);
    expect(expired.status).toBe('expired');
    device.close();
  });
});
