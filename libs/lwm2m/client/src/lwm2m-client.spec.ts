import { Lwm2mDecoder, ContentFormat } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, parseRegistrationLinks, parseRegistrationParams } from '@smartcity/lwm2m-core';
import { CoapEndpoint } from './coap/coap-endpoint';
import { type CoapResponse, type IncomingRequest } from './coap/coap-types';
import { Lwm2mClient } from './lwm2m-client';
import { MemoryNetwork } from './testing/memory-network';
import { TEST_DEVICE, TEST_LAMP, TEST_SERVER } from './testing/test-models';
import { ObjectTree } from './tree/object-tree';

const p = Lwm2mPath.parse;
const decoder = new Lwm2mDecoder();

/** A minimal LwM2M server on the memory network: records uplinks and lets the test send downlinks. */
function setup(options: { queueAwakeMs?: number; lifetime?: number; lwm2mVersion?: '1.0' | '1.1' } = {}) {
  const net = new MemoryNetwork();
  const uplinks: IncomingRequest[] = [];
  let answer: (req: IncomingRequest) => CoapResponse = (req) =>
    req.uriPath[0] === 'rd' && req.uriPath.length === 1
      ? { code: '2.01', locationPath: ['rd', 'r1'] }
      : { code: '2.04' };
  const server = new CoapEndpoint({
    socket: net.open(5683),
    onRequest: (req) => {
      uplinks.push(req);
      return answer(req);
    },
  });
  const tree = new ObjectTree()
    .addObject(TEST_SERVER)
    .addObject(TEST_DEVICE)
    .addObject(TEST_LAMP)
    .addInstance(1, 0, { 0: 1, 1: 300, 7: 'U' })
    .addInstance(3, 0, { 0: 'Acme', 1: 'SL-1', 9: 87 })
    .addInstance(3416, 0, { 1: 100, 3: 100, 5: false });
  const socket = net.open();
  const client = new Lwm2mClient({
    endpoint: 'lyon-sl-0001',
    server: { address: '127.0.0.1', port: 5683 },
    tree,
    socket,
    lifetime: options.lifetime ?? 300,
    lwm2mVersion: options.lwm2mVersion ?? '1.1',
    ...(options.queueAwakeMs ? { queueMode: { awakeMs: options.queueAwakeMs } } : {}),
  });
  const device = { address: '127.0.0.1', port: socket.localPort };
  const notifications: CoapResponse[] = [];
  const ask = (req: Parameters<CoapEndpoint['request']>[1]) => server.request(device, req);
  return {
    net,
    server,
    uplinks,
    tree,
    client,
    ask,
    notifications,
    setAnswer: (fn: typeof answer) => (answer = fn),
  };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('Lwm2mClient', () => {
  afterEach(() => jest.useRealTimers());

  it('registers with its endpoint, lifetime, version and object links (versions included)', async () => {
    const { client, uplinks } = setup();
    await client.register();
    expect(client.state).toBe('registered');
    expect(client.registrationLocation).toBe('/rd/r1');
    const reg = uplinks[0] as IncomingRequest;
    expect(reg.method).toBe('0.02');
    expect(reg.uriPath).toEqual(['rd']);
    expect(reg.contentFormat).toBe(ContentFormat.LINK);
    const params = parseRegistrationParams(reg.uriQuery ?? []);
    expect(params).toMatchObject({
      endpoint: 'lyon-sl-0001',
      lifetime: 300,
      lwm2mVersion: '1.1',
      binding: 'U',
      queueMode: false,
    });
    const links = parseRegistrationLinks(reg.payload?.toString() ?? '');
    expect(links.objects.map((o) => o.path.toString())).toEqual([
      '/1',
      '/1/0',
      '/3',
      '/3/0',
      '/3416',
      '/3416/0',
    ]);
    expect(links.objectVersions.get(3416)).toBe('2.0');
    expect(links.contentFormats).toContain(ContentFormat.SENML_CBOR);
    await client.stop();
  });

  it('answers Read of a resource in text/plain and of an instance in the Accept format', async () => {
    const { client, ask, tree } = setup();
    await client.register();
    const single = await ask({ method: '0.01', uriPath: ['3', '0', '9'] });
    expect(single).toMatchObject({ code: '2.05', contentFormat: ContentFormat.TEXT });
    expect(single.payload?.toString()).toBe('87');
    for (const format of [
      ContentFormat.TLV,
      ContentFormat.SENML_JSON,
      ContentFormat.SENML_CBOR,
      ContentFormat.LWM2M_CBOR,
      ContentFormat.JSON,
    ]) {
      const res = await ask({ method: '0.01', uriPath: ['3', '0'], accept: format });
      expect(res.contentFormat).toBe(format);
      const records = decoder.decode(res.payload as Buffer, format, { path: p('/3/0'), models: tree });
      expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
        ['/3/0/0', 'Acme'],
        ['/3/0/1', 'SL-1'],
        ['/3/0/9', 87],
      ]);
    }
    expect((await ask({ method: '0.01', uriPath: ['3', '0'], accept: 0 })).code).toBe('4.06');
    expect((await ask({ method: '0.01', uriPath: ['3', '7'] })).code).toBe('4.04');
    await client.stop();
  });

  it('applies Write (PUT replace, POST partial update) and reports the written level', async () => {
    const { client, ask, tree } = setup();
    await client.register();
    tree.onWrite((path, value) => {
      // the device reacts to a dimming command as the simulator does
      if (path.toString() === '/3416/0/1') tree.set(p('/3416/0/3'), value);
    });
    const put = await ask({
      method: '0.03',
      uriPath: ['3416', '0', '1'],
      contentFormat: 0,
      payload: Buffer.from('40'),
    });
    expect(put.code).toBe('2.04');
    expect((await ask({ method: '0.01', uriPath: ['3416', '0', '3'] })).payload?.toString()).toBe('40');
    const ro = await ask({
      method: '0.03',
      uriPath: ['3416', '0', '3'],
      contentFormat: 0,
      payload: Buffer.from('1'),
    });
    expect(ro.code).toBe('4.05');
    const bad = await ask({
      method: '0.03',
      uriPath: ['3416', '0', '1'],
      contentFormat: 0,
      payload: Buffer.from('dim'),
    });
    expect(bad.code).toBe('4.00');
    await client.stop();
  });

  it('answers Discover with versions, dim and written attributes, and Execute, Create and Delete', async () => {
    const { client, ask, tree } = setup();
    await client.register();
    const wa = await ask({ method: '0.03', uriPath: ['3416', '0', '3'], uriQuery: ['pmin=10', 'pmax=60'] });
    expect(wa.code).toBe('2.04');
    const bad = await ask({ method: '0.03', uriPath: ['3416', '0', '3'], uriQuery: ['pmin=10', 'pmax=5'] });
    expect(bad.code).toBe('4.00');
    const disc = await ask({ method: '0.01', uriPath: ['3416'], accept: ContentFormat.LINK });
    expect(disc.payload?.toString()).toBe(
      '</3416>;ver=2.0,</3416/0>,</3416/0/1>,</3416/0/3>;pmin=10;pmax=60,</3416/0/5>',
    );
    let rebooted = 0;
    tree.onExecute(3, 4, () => {
      rebooted++;
    });
    expect((await ask({ method: '0.02', uriPath: ['3', '0', '4'] })).code).toBe('2.04');
    expect(rebooted).toBe(1);
    const created = await ask({
      method: '0.02',
      uriPath: ['3416'],
      contentFormat: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"bn":"/3416/4/","n":"1","v":30}]'),
    });
    expect(created).toMatchObject({ code: '2.01', locationPath: ['3416', '4'] });
    expect(tree.get(p('/3416/4/1'))).toBe(30);
    expect((await ask({ method: '0.04', uriPath: ['3416', '4'] })).code).toBe('2.02');
    expect(tree.instanceIds(3416)).toEqual([0]);
    await client.stop();
  });

  it('sends notifications on change after pmin, and at pmax without change', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const { client, ask, server, tree } = setup();
    await client.register();
    await ask({ method: '0.03', uriPath: ['3', '0', '9'], uriQuery: ['pmin=10', 'pmax=60'] });
    const wire: Array<{ at: number; payload: string; observe: number | undefined }> = [];
    const start = Date.now();
    const obs = server.request(
      { address: '127.0.0.1', port: client.localPort },
      { method: '0.01', uriPath: ['3', '0', '9'], observe: 0 },
      (n) => wire.push({ at: Date.now() - start, payload: n.payload?.toString() ?? '', observe: n.observe }),
    );
    await jest.advanceTimersByTimeAsync(1);
    const first = await obs;
    expect(first).toMatchObject({ code: '2.05' });
    expect(first.observe).toBeGreaterThan(0);
    tree.set(p('/3/0/9'), 80); // at t=1 ms: waits for pmin (10 s after the Observe response)
    await jest.advanceTimersByTimeAsync(9_000);
    expect(wire).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_100);
    expect(wire.map((w) => w.payload)).toEqual(['80']);
    await jest.advanceTimersByTimeAsync(60_100); // no change: pmax
    expect(wire.map((w) => w.payload)).toEqual(['80', '80']);
    expect((wire[1]?.at ?? 0) - (wire[0]?.at ?? 0)).toBeGreaterThanOrEqual(60_000);
    expect(wire[1]?.observe).toBeGreaterThan(wire[0]?.observe ?? Infinity); // RFC 7641 §4.4 ordering
    expect(client.observationCount).toBe(1);
    await client.stop();
  });

  it('honours st: a small change is not notified, a larger one is', async () => {
    const { client, ask, tree, server } = setup();
    await client.register();
    await ask({ method: '0.03', uriPath: ['3', '0', '9'], uriQuery: ['st=5'] });
    const wire: string[] = [];
    await server.request(
      { address: '127.0.0.1', port: client.localPort },
      { method: '0.01', uriPath: ['3', '0', '9'], observe: 0 },
      (n) => wire.push(n.payload?.toString() ?? ''),
    );
    tree.set(p('/3/0/9'), 85);
    await tick(20);
    tree.set(p('/3/0/9'), 80);
    await tick(20);
    expect(wire).toEqual(['80']);
    await client.stop();
  });

  it('ends an observation when the server answers a notification with RST (RFC 7641 §3.6)', async () => {
    const { client, ask, tree, server } = setup();
    await client.register();
    const wire: string[] = [];
    const first = await ask({ method: '0.01', uriPath: ['3', '0', '9'], observe: 0 });
    await server.request(
      { address: '127.0.0.1', port: client.localPort },
      { method: '0.01', uriPath: ['3', '0', '0'], observe: 0 },
      (n) => wire.push(n.payload?.toString() ?? ''),
    );
    expect(first.code).toBe('2.05');
    expect(client.observationCount).toBe(2);
    // the first observation was made without a listener: the server has forgotten its token and answers RST
    tree.set(p('/3/0/9'), 10);
    tree.set(p('/3/0/0'), 'Acme Lighting');
    await tick(20);
    expect(client.observationCount).toBe(1);
    expect(wire).toEqual(['Acme Lighting']);
    await client.stop();
  });

  it('sends data with Send (POST /dp, SenML CBOR)', async () => {
    const { client, uplinks, tree } = setup();
    await client.register();
    const code = await client.send([p('/3/0/9'), p('/3416/0/3')]);
    expect(code).toBe('2.04');
    const dp = uplinks.find((u) => u.uriPath[0] === 'dp') as IncomingRequest;
    expect(dp.contentFormat).toBe(ContentFormat.SENML_CBOR);
    const records = decoder.decode(dp.payload as Buffer, ContentFormat.SENML_CBOR, {
      path: Lwm2mPath.ROOT,
      models: tree,
    });
    expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
      ['/3/0/9', 87],
      ['/3416/0/3', 100],
    ]);
    await client.stop();
  });

  it('registers again when an Update gets 4.04, and refreshes before the lifetime ends', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const { client, uplinks, setAnswer } = setup({ lifetime: 100 });
    await client.register();
    await jest.advanceTimersByTimeAsync(89_000);
    expect(uplinks).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_100); // 90 % of 100 s
    expect(uplinks[1]?.uriPath).toEqual(['rd', 'r1']);
    setAnswer((req) =>
      req.uriPath.length === 2 ? { code: '4.04' } : { code: '2.01', locationPath: ['rd', 'r2'] },
    );
    await client.update();
    expect(uplinks.map((u) => u.uriPath.join('/'))).toEqual(['rd', 'rd/r1', 'rd/r1', 'rd']);
    expect(client.registrationLocation).toBe('/rd/r2');
    await client.stop();
    expect(uplinks.at(-1)).toMatchObject({ method: '0.04', uriPath: ['rd', 'r2'] });
  });

  it('in queue mode sleeps after the awake time, ignores requests, and wakes with an Update before sending', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    const { client, uplinks, net } = setup({ queueAwakeMs: 5_000 });
    await client.register();
    expect(parseRegistrationParams(uplinks[0]?.uriQuery ?? []).queueMode).toBe(true);
    await jest.advanceTimersByTimeAsync(5_100);
    expect(client.state).toBe('sleeping');
    const before = net.log.length;
    const probe = new CoapEndpoint({ socket: net.open(7001) });
    const lost = probe.request(
      { address: '127.0.0.1', port: client.localPort },
      { method: '0.01', uriPath: ['3', '0', '9'] },
    );
    lost.catch(() => undefined);
    await jest.advanceTimersByTimeAsync(10);
    expect(net.log.slice(before).filter((l) => l.from === client.localPort)).toHaveLength(0);
    const sent = client.send([Lwm2mPath.parse('/3/0/9')]);
    await jest.advanceTimersByTimeAsync(10);
    expect(await sent).toBe('2.04');
    expect(uplinks.map((u) => u.uriPath.join('/'))).toEqual(['rd', 'rd/r1', 'dp']);
    expect(client.state).toBe('registered');
    await probe.close();
    await client.stop();
  });

  it('answers Read-Composite (FETCH) and applies Write-Composite (iPATCH) in SenML JSON', async () => {
    const { client, ask, tree } = setup();
    await client.register();
    const read = await ask({
      method: '0.05',
      uriPath: [],
      contentFormat: ContentFormat.SENML_JSON,
      accept: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"n":"/3/0/9"},{"n":"/3416/0/3"}]'),
    });
    expect(read.code).toBe('2.05');
    const records = decoder.decode(read.payload as Buffer, ContentFormat.SENML_JSON, {
      path: Lwm2mPath.ROOT,
      models: tree,
    });
    expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
      ['/3/0/9', 87],
      ['/3416/0/3', 100],
    ]);
    const write = await ask({
      method: '0.07',
      uriPath: [],
      contentFormat: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"n":"/3416/0/1","v":55},{"n":"/3/0/14","vs":"+01:00"}]'),
    });
    expect(write.code).toBe('2.04');
    expect(tree.get(p('/3416/0/1'))).toBe(55);
    expect(tree.get(p('/3/0/14'))).toBe('+01:00');
    await client.stop();
  });

  it('observes several paths at once with Observe-Composite', async () => {
    const { client, server, tree } = setup();
    await client.register();
    const seen: string[] = [];
    const first = await server.request(
      { address: '127.0.0.1', port: client.localPort },
      {
        method: '0.05',
        uriPath: [],
        observe: 0,
        contentFormat: ContentFormat.SENML_JSON,
        accept: ContentFormat.SENML_JSON,
        payload: Buffer.from('[{"n":"/3/0/9"},{"n":"/3416/0/3"}]'),
      },
      (n) => seen.push(n.payload?.toString() ?? ''),
    );
    expect(first).toMatchObject({ code: '2.05', contentFormat: ContentFormat.SENML_JSON });
    tree.set(p('/3416/0/3'), 20);
    await tick(20);
    expect(seen).toHaveLength(1);
    const records = decoder.decode(Buffer.from(seen[0] as string), ContentFormat.SENML_JSON, {
      path: Lwm2mPath.ROOT,
      models: tree,
    });
    expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
      ['/3/0/9', 87],
      ['/3416/0/3', 20],
    ]);
    await client.stop();
  });
});
