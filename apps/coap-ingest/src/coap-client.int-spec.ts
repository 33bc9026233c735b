import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld } from './testing/ingest-harness';

jest.setTimeout(60_000);
const run = promisify(execFile);

/**
 * Interoperability with Debian's libcoap `coap-client` (libcoap3-bin, installed by the stack hook
 * deploy/local/hooks/after-up.d/50-libcoap.sh): an independent CoAP implementation registers, updates and
 * de-registers; Kafka receives exactly those events.
 */
describe('coap-ingest with libcoap coap-client', () => {
  const world = new IngestTestWorld();
  const endpoint = `libcoap-${world.run}`;
  let app: IngestApp;
  const localPort = 20000 + Math.floor(Math.random() * 20000);

  beforeAll(async () => {
    await world.createTenant();
    await world.provision(endpoint);
    app = await world.startIngest();
    await world.readUplinks();
  });

  afterAll(() => world.cleanup());

  /** Runs coap-client with verbose logging; returns its output (PDU dumps show codes and options). */
  async function coapClient(args: string[]): Promise<string> {
    const { stdout, stderr } = await run('coap-client-notls', [
      '-v',
      '7',
      '-B',
      '5',
      '-p',
      String(localPort),
      ...args,
    ]);
    return stdout + stderr;
  }

  it('registers, updates and de-registers through coap-client', async () => {
    const base = `coap://127.0.0.1:${app.coapPort()}`;
    const register = await coapClient([
      '-m',
      'post',
      '-t',
      '40',
      '-e',
      '</1/0>,</3/0>',
      `${base}/rd?ep=${endpoint}&lt=300&lwm2m=1.1&b=U`,
    ]);
    expect(register).toMatch(/2\.01/);
    // libcoap dumps the PDU as `v:1 t:ACK c:2.01 i:f05f {01} [ Location-Path:rd, Location-Path:<id> ]`.
    const id = /Location-Path:rd, Location-Path:([a-z2-7]{10})/.exec(register)?.[1];
    expect(id).toBeDefined();
    const update = await coapClient(['-m', 'post', `${base}/rd/${id}?lt=600`]);
    expect(update).toMatch(/2\.04/);
    const deregister = await coapClient(['-m', 'delete', `${base}/rd/${id}`]);
    expect(deregister).toMatch(/2\.02/);

    await world.waitForUplinks((u) => u.endpoint === endpoint, 3);
    await world.sentinel(); // nothing else is on its way

    const events = world.uplinks.filter((u) => u.endpoint === endpoint);
    expect(events.map((u) => u.kind)).toEqual(['registration', 'update', 'deregistration']);
    expect(events[0]).toMatchObject({ registrationId: id, lifetime: 300, address: `127.0.0.1:${localPort}` });
    expect(events[1]).toMatchObject({ lifetime: 600, address: `127.0.0.1:${localPort}` });
  });
});
