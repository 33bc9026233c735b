import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CoapCode,
  CoapEndpoint,
  CoapOption,
  CoapRequestError,
  stringOptions,
  UdpTransport,
  udpPeer,
  uintOption,
} from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { ContentFormat } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { publishDeviceChange } from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type IngestApp } from './ingest.app';
import { IngestTestWorld } from './testing/ingest-harness';
import { TestDevice } from './testing/test-device';

jest.setTimeout(90_000);
const run = promisify(execFile);

/**
 * Devices prove who they are (LwM2M Transport 1.1.1 §5.2): PSK devices over coaps (DTLS 1.2, RFC 7252 §9) against
 * the real ingest, Kafka, Redis and PostgreSQL, in a tenant that refuses NoSec; and what must be refused.
 */
describe('coap-ingest over coaps with per-device PSK credentials', () => {
  const world = new IngestTestWorld();
  const lamp = `psk-${world.run}-lamp`;
  const meter = `psk-${world.run}-meter`;
  const plain = `psk-${world.run}-plain`;
  const retired = `psk-${world.run}-retired`;
  // Printable keys: libcoap takes `-k` as a string.
  const lampKey = Buffer.from(randomBytes(12).toString('base64'));
  const meterKey = Buffer.from(randomBytes(12).toString('base64'));
  const retiredKey = randomBytes(16);
  let app: IngestApp;
  const clients: Lwm2mClient[] = [];

  beforeAll(async () => {
    await world.createTenant({ allowNosec: false });
    await world.provisionWith(lamp, { mode: 'psk', identity: lamp, key: lampKey });
    await world.provisionWith(meter, { mode: 'psk', identity: `id-${meter}`, key: meterKey });
    await world.provision(plain);
    await world.provisionWith(retired, { mode: 'psk', identity: retired, key: retiredKey });
    app = await world.startIngest();
    await world.readUplinks();
  });

  afterAll(async () => {
    for (const c of clients) await c.stop({ deregister: false }).catch(() => undefined);
    await world.cleanup();
  });

  function tree(): ObjectTree {
    const models = loadBundledRegistry();
    const t = new ObjectTree();
    for (const [id, version] of [
      [1, '1.1'],
      [3, '1.0'],
      [3303, '1.1'],
    ] as const) {
      t.addObject(models.get(id, version) ?? models.latest(id)!);
    }
    return t
      .addInstance(1, 0, { 0: 1, 1: 300, 7: 'U' })
      .addInstance(3, 0, { 0: 'smartcity-tests' })
      .addInstance(3303, 0, { 5700: 21.5 });
  }

  function client(endpoint: string, psk: { identity: string; key: Buffer }): Lwm2mClient {
    const c = new Lwm2mClient({
      endpoint,
      server: udpPeer('127.0.0.1', app.coapsPort()),
      tree: tree(),
      transport: new DtlsClientTransport({ transport: new UdpTransport(), credentials: { psk } }),
      lifetime: 300,
      timing: { ackTimeoutMs: 1000, maxRetransmit: 2 },
    });
    clients.push(c);
    return c;
  }

  it('registers, sends, updates and de-registers with its own PSK; Kafka has each event', async () => {
    const c = client(lamp, { identity: lamp, key: lampKey });
    await c.register();
    expect(c.state).toBe('registered');
    expect(await c.send([Lwm2mPath.parse('/3303/0/5700')])).toBe(CoapCode.Changed);
    await c.update();
    await c.deregister();
    const events = await world.waitForUplinks((u) => u.endpoint === lamp, 4);
    expect(events.map((u) => u.kind)).toEqual(['registration', 'send', 'update', 'deregistration']);
    expect(events[1]).toMatchObject({ kind: 'send', contentFormat: ContentFormat.SENML_CBOR });
  });

  it('takes a downlink through the device session (Read over coaps)', async () => {
    const c = client(meter, { identity: `id-${meter}`, key: meterKey });
    await c.register();
    const result = await app.requests.execute(
      meter,
      { op: 'read', path: '/3303/0/5700' },
      Date.now() + 10_000,
    );
    expect(result).toMatchObject({ status: 'completed', coapCode: '2.05' });
    expect(result.payload?.toString()).toBe('21.5');
    await c.deregister();
  });

  it("refuses a device's credential with another device's endpoint (4.03, nothing registered)", async () => {
    const c = client(meter, { identity: lamp, key: lampKey });
    await expect(c.register()).rejects.toMatchObject({ code: CoapCode.Forbidden });
  });

  it('refuses a wrong PSK in the handshake: the request never reaches CoAP', async () => {
    const c = client(lamp, { identity: lamp, key: randomBytes(16) });
    await expect(c.register()).rejects.toBeInstanceOf(CoapRequestError);
  });

  it('refuses NoSec for a PSK device and for any device of a tenant that forbids NoSec (the spoof of the issue)', async () => {
    const device = new TestDevice(app.coapPort());
    await device.open();
    for (const endpoint of [lamp, plain]) {
      const answer = await device.request({
        code: CoapCode.POST,
        path: ['rd'],
        query: [`ep=${endpoint}`, 'lt=4294967295'],
        payload: '</3416/0>',
        contentFormat: 40,
      });
      expect(answer.code).toBe(CoapCode.Forbidden);
      // The same refusal for every case: names cannot be probed.
      expect(answer.payload.toString()).toBe('not allowed to register');
    }
    device.close();
  });

  it('accepts Update, De-register and Send only from the registration own credential', async () => {
    const owner = client(lamp, { identity: lamp, key: lampKey });
    await owner.register();
    const id = owner.registrationLocation!.split('/').pop()!;
    // Another device (the meter, with its own valid credential) tries to act on the lamp's registration.
    const intruder = new CoapEndpoint({
      transport: new DtlsClientTransport({
        transport: new UdpTransport(),
        credentials: { psk: { identity: `id-${meter}`, key: meterKey } },
      }),
    });
    await intruder.start();
    const server = udpPeer('127.0.0.1', app.coapsPort());
    const update = await intruder.request(server, {
      code: CoapCode.POST,
      options: stringOptions(CoapOption.UriPath, ['rd', id]),
    });
    expect(update.message.code).toBe(CoapCode.NotFound);
    const remove = await intruder.request(server, {
      code: CoapCode.DELETE,
      options: stringOptions(CoapOption.UriPath, ['rd', id]),
    });
    expect(remove.message.code).toBe(CoapCode.NotFound);
    const send = await intruder.request(server, {
      code: CoapCode.POST,
      options: [...stringOptions(CoapOption.UriPath, ['dp']), uintOption(CoapOption.ContentFormat, 110)],
      payload: Buffer.from('[{"n":"/3303/0/5700","v":99}]'),
    });
    expect(send.message.code).toBe(CoapCode.Forbidden);
    await intruder.close();
    expect(await app.store.get(id)).toMatchObject({ endpoint: lamp });
    await owner.deregister();
  });

  it('drops a decommissioned device at once: registration removed, session closed, handshake refused after', async () => {
    const c = client(retired, { identity: retired, key: retiredKey });
    await c.register();
    const id = c.registrationLocation!.split('/').pop()!;
    await world.owner.query(
      'UPDATE devices SET decommissioned_at = now() WHERE tenant_id = $1 AND endpoint = $2',
      [world.tenant, retired],
    );
    // What the gateway's decommissionDevice publishes once the change committed.
    expect(
      await publishDeviceChange(world.redis, {
        tenant: world.tenant,
        endpoint: retired,
        change: 'decommissioned',
      }),
    ).toBeGreaterThan(0);
    const events = await world.waitForUplinks((u) => u.endpoint === retired, 2);
    expect(events.map((u) => u.kind)).toEqual(['registration', 'deregistration']);
    expect(await app.store.get(id)).toBeUndefined();
    // The device tries again: its PSK identity no longer resolves, so the handshake itself fails.
    const again = client(retired, { identity: retired, key: retiredKey });
    await expect(again.register()).rejects.toBeInstanceOf(CoapRequestError);
    expect(world.uplinks.filter((u) => u.endpoint === retired)).toHaveLength(2);
  });

  it.each(['coap-client-openssl', 'coap-client-gnutls'])(
    'registers and sends from libcoap %s with a PSK (an independent DTLS stack)',
    async (binary) => {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const base = `coaps://127.0.0.1:${app.coapsPort()}`;
      const libcoap = async (args: string[]) => {
        const { stdout, stderr } = await run(binary, [
          '-v',
          '7',
          '-B',
          '10',
          '-p',
          String(port),
          '-u',
          lamp,
          '-k',
          lampKey.toString(),
          ...args,
        ]);
        return stdout + stderr;
      };
      const register = await libcoap([
        '-m',
        'post',
        '-t',
        '40',
        '-e',
        '</3303/0>',
        `${base}/rd?ep=${lamp}&lt=300&lwm2m=1.1`,
      ]);
      expect(register).toMatch(/2\.01/);
      const id = /Location-Path:rd, Location-Path:([a-z2-7]{10})/.exec(register)?.[1];
      expect(id).toBeDefined();
      const send = await libcoap([
        '-m',
        'post',
        '-t',
        '110',
        '-e',
        '[{"n":"/3303/0/5700","v":22.5}]',
        `${base}/dp`,
      ]);
      expect(send).toMatch(/2\.04/);
      const events = await world.waitForUplinks((u) => u.endpoint === lamp && u.registrationId === id, 2);
      expect(events.map((u) => u.kind)).toEqual(['registration', 'send']);
    },
  );
});
