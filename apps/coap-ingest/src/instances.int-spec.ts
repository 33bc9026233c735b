import { CoapCode, CoapOption, getOptions } from '@smartcity/coap';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(60_000);

describe('two coap-ingest instances sharing Redis and Kafka', () => {
  const world = new IngestTestWorld();
  const endpoint = `multi-${world.run}`;
  const second = `multi-${world.run}-b`;

  beforeAll(async () => {
    await world.createTenant();
    await world.provision(endpoint);
    await world.provision(second);
    await world.readUplinks();
  });

  afterAll(() => world.cleanup());

  it('a registration made through A is updated and de-registered through B', async () => {
    const a = await world.startIngest();
    const b = await world.startIngest();
    const device = new TestDevice(a.coapPort());
    await device.open();
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`, 'lt=120'],
      payload: '</1/0>',
    });
    expect(created.code).toBe(CoapCode.Created);
    const id = getOptions(created, CoapOption.LocationPath)[1]!.toString();
    expect(a.local.get(id)).toBeDefined();

    // The load balancer moves the device to B: same device address, another instance.
    device.useServer(b.coapPort());
    const updated = await device.request({ code: CoapCode.POST, path: ['rd', id], query: ['lt=240'] });
    expect(updated.code).toBe(CoapCode.Changed);
    expect(b.local.get(id)).toBeDefined();
    expect((await b.store.get(id))?.owner).toBe(b.config.INSTANCE_ID);
    // A hears that B took over and lets go of its copy.
    for (let i = 0; i < 40 && a.local.get(id); i++) await new Promise((r) => setTimeout(r, 50));
    expect(a.local.get(id)).toBeUndefined();

    const deleted = await device.request({ code: CoapCode.DELETE, path: ['rd', id] });
    expect(deleted.code).toBe(CoapCode.Deleted);
    const events = await world.waitForUplinks((u) => u.endpoint === endpoint, 3);
    expect(events.map((u) => [u.kind, u.instanceId])).toEqual([
      ['registration', a.config.INSTANCE_ID],
      ['update', b.config.INSTANCE_ID],
      ['deregistration', b.config.INSTANCE_ID],
    ]);
    device.close();
    await a.stop();
    await b.stop();
  });

  it('a new Register through B replaces the registration A held, and A lets go of it', async () => {
    const a = await world.startIngest();
    const b = await world.startIngest();
    const toA = new TestDevice(a.coapPort());
    const toB = new TestDevice(b.coapPort());
    await toA.open();
    await toB.open();
    const first = await toA.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`],
      payload: '</1/0>',
    });
    const oldId = getOptions(first, CoapOption.LocationPath)[1]!.toString();
    expect(a.local.get(oldId)).toBeDefined();
    const second = await toB.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${endpoint}`],
      payload: '</1/0>',
    });
    expect(second.code).toBe(CoapCode.Created);
    for (let i = 0; i < 40 && a.local.get(oldId); i++) await new Promise((r) => setTimeout(r, 50));
    expect(a.local.get(oldId)).toBeUndefined();
    expect(await b.store.get(oldId)).toBeUndefined();
    const stale = await toA.request({ code: CoapCode.POST, path: ['rd', oldId] });
    expect(stale.code).toBe(CoapCode.NotFound);
    toA.close();
    toB.close();
    await a.stop();
    await b.stop();
  });

  it('a registration survives a restart of both instances', async () => {
    const a = await world.startIngest();
    const device = new TestDevice(a.coapPort());
    await device.open();
    const created = await device.request({
      code: CoapCode.POST,
      path: ['rd'],
      query: [`ep=${second}`, 'lt=120'],
      payload: '</1/0>',
    });
    const id = getOptions(created, CoapOption.LocationPath)[1]!.toString();
    await a.stop();

    const a2 = await world.startIngest();
    const b2 = await world.startIngest();
    expect(a2.local.size).toBe(0);
    device.useServer(b2.coapPort());
    const updated = await device.request({ code: CoapCode.POST, path: ['rd', id] });
    expect(updated.code).toBe(CoapCode.Changed);
    // Another socket (another device, or a spoofer who learnt the id) cannot update it (NoSec: by address).
    const other = new TestDevice(b2.coapPort());
    await other.open();
    expect((await other.request({ code: CoapCode.POST, path: ['rd', id] })).code).toBe(CoapCode.NotFound);
    expect((await other.request({ code: CoapCode.DELETE, path: ['rd', id] })).code).toBe(CoapCode.NotFound);
    other.close();
    // The restarted instance serves the device's Send from its registered address by taking it over.
    const send = await new TestDevice(a2.coapPort());
    await send.open();
    const unknownAddress = await send.request({
      code: CoapCode.POST,
      path: ['dp'],
      payload: '[]',
      contentFormat: 110,
    });
    expect(unknownAddress.code).toBe(CoapCode.Forbidden);
    send.close();
    device.close();
  });
});
