import {
  type CoapExchange,
  CoapCode,
  CoapEndpoint,
  CoapOption,
  type CoapResponse,
  FakeClock,
  flushMicrotasks,
  locationPathOf,
  MemoryNetwork,
  type NotificationListener,
  stringOptions,
  udpPeer,
  uintOptionOf,
  uriPathOf,
  uriQueryOf,
} from '@smartcity/coap';
import { ContentFormat, Lwm2mDecoder } from '@smartcity/lwm2m-codec';
import { Lwm2mPath, parseRegistrationLinks, parseRegistrationParams } from '@smartcity/lwm2m-core';
import { type Lwm2mRequest, toCoapRequest } from '@smartcity/lwm2m-server';
import { Lwm2mClient } from './lwm2m-client';
import { TEST_DEVICE, TEST_LAMP, TEST_SERVER } from './testing/test-models';
import { ObjectTree } from './tree/object-tree';

const p = Lwm2mPath.parse;
const decoder = new Lwm2mDecoder();

interface Uplink {
  readonly code: number;
  readonly path: string[];
  readonly query: string[];
  readonly contentFormat: number | undefined;
  readonly payload: Buffer;
}

type Answer = (up: Uplink, ex: CoapExchange) => void;
const defaultAnswer: Answer = (up, ex) =>
  up.path[0] === 'rd' && up.path.length === 1
    ? ex.respond(CoapCode.Created, stringOptions(CoapOption.LocationPath, ['rd', 'r1']))
    : ex.respond(CoapCode.Changed);

/** A minimal LwM2M server on the memory network and fake time: records uplinks and sends requests. */
async function setup(
  options: { queueAwakeMs?: number; lifetime?: number; lwm2mVersion?: '1.0' | '1.1' } = {},
) {
  const clock = new FakeClock();
  const net = new MemoryNetwork();
  const uplinks: Uplink[] = [];
  let answer = defaultAnswer;
  const server = new CoapEndpoint({ transport: net.transport(5683), clock });
  await server.start((ex) => {
    const up: Uplink = {
      code: ex.request.code,
      path: uriPathOf(ex.request),
      query: uriQueryOf(ex.request),
      contentFormat: uintOptionOf(ex.request, CoapOption.ContentFormat),
      payload: ex.request.payload,
    };
    uplinks.push(up);
    answer(up, ex);
  });
  const tree = new ObjectTree()
    .addObject(TEST_SERVER)
    .addObject(TEST_DEVICE)
    .addObject(TEST_LAMP)
    .addInstance(1, 0, { 0: 1, 1: 300, 7: 'U' })
    .addInstance(3, 0, { 0: 'Acme', 1: 'SL-1', 9: 87 })
    .addInstance(3416, 0, { 1: 100, 3: 100, 5: false });
  const transport = net.transport(40001);
  const client = new Lwm2mClient({
    endpoint: 'lyon-sl-0001',
    server: udpPeer('127.0.0.1', 5683),
    tree,
    transport,
    clock,
    random: () => 0.5,
    lifetime: options.lifetime ?? 300,
    lwm2mVersion: options.lwm2mVersion ?? '1.1',
    ...(options.queueAwakeMs ? { queueMode: { awakeMs: options.queueAwakeMs } } : {}),
  });
  const device = udpPeer('127.0.0.1', 40001);
  /** Sends an LwM2M request to the device through the binding and returns the CoAP response. */
  const ask = (request: Lwm2mRequest, onNotification?: NotificationListener): Promise<CoapResponse> => {
    const shape = toCoapRequest(request);
    return server.request(device, {
      code: shape.code,
      options: shape.options,
      ...(shape.payload ? { payload: shape.payload } : {}),
      ...(onNotification ? { onNotification } : {}),
    });
  };
  return { clock, net, server, uplinks, tree, client, ask, setAnswer: (fn: Answer) => (answer = fn) };
}

const cf = (r: CoapResponse) => uintOptionOf(r.message, CoapOption.ContentFormat);

describe('Lwm2mClient', () => {
  it('registers with its endpoint, lifetime, version and object links (versions included)', async () => {
    const { client, uplinks } = await setup();
    await client.register();
    expect(client.state).toBe('registered');
    expect(client.registrationLocation).toBe('/rd/r1');
    const reg = uplinks[0]!;
    expect(reg.code).toBe(CoapCode.POST);
    expect(reg.path).toEqual(['rd']);
    expect(reg.contentFormat).toBe(ContentFormat.LINK);
    expect(parseRegistrationParams(reg.query)).toMatchObject({
      endpoint: 'lyon-sl-0001',
      lifetime: 300,
      lwm2mVersion: '1.1',
      binding: 'U',
      queueMode: false,
    });
    // Server and Device at their LwM2M 1.1 versions go without `ver` (Core 1.1.1 §7.2.3); the lamp needs one.
    const links = parseRegistrationLinks(reg.payload.toString(), { lwm2mVersion: '1.1' });
    expect(links.objects.map((o) => o.path.toString())).toEqual(['/1/0', '/3/0', '/3416', '/3416/0']);
    expect(Object.fromEntries(links.objectVersions)).toEqual({ 1: '1.1', 3: '1.1', 3416: '2.0' });
    expect(links.contentFormats).toContain(ContentFormat.SENML_CBOR);
    await client.stop();
  });

  it('answers Read of a resource in text/plain and of an instance in the Accept format', async () => {
    const { client, ask, tree } = await setup();
    await client.register();
    const single = await ask({ op: 'read', path: p('/3/0/9') });
    expect([single.message.code, cf(single), single.payload.toString()]).toEqual([
      CoapCode.Content,
      ContentFormat.TEXT,
      '87',
    ]);
    for (const format of [
      ContentFormat.TLV,
      ContentFormat.SENML_JSON,
      ContentFormat.SENML_CBOR,
      ContentFormat.LWM2M_CBOR,
      ContentFormat.JSON,
    ]) {
      const res = await ask({ op: 'read', path: p('/3/0'), accept: format });
      expect(cf(res)).toBe(format);
      const records = decoder.decode(res.payload, format, { path: p('/3/0'), models: tree });
      expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
        ['/3/0/0', 'Acme'],
        ['/3/0/1', 'SL-1'],
        ['/3/0/9', 87],
      ]);
    }
    expect((await ask({ op: 'read', path: p('/3/0'), accept: 0 })).message.code).toBe(CoapCode.NotAcceptable);
    expect((await ask({ op: 'read', path: p('/3/7') })).message.code).toBe(CoapCode.NotFound);
    await client.stop();
  });

  it('applies Write (PUT replace, POST partial update) and reports the written level', async () => {
    const { client, ask, tree } = await setup();
    await client.register();
    tree.onWrite((path, value) => {
      // the device reacts to a dimming command as the simulator does
      if (path.toString() === '/3416/0/1') tree.set(p('/3416/0/3'), value);
    });
    const write = (path: string, text: string) =>
      ask({ op: 'write', path: p(path), replace: true, contentFormat: 0, payload: Buffer.from(text) });
    expect((await write('/3416/0/1', '40')).message.code).toBe(CoapCode.Changed);
    expect((await ask({ op: 'read', path: p('/3416/0/3') })).payload.toString()).toBe('40');
    expect((await write('/3416/0/3', '1')).message.code).toBe(CoapCode.MethodNotAllowed);
    expect((await write('/3416/0/1', 'dim')).message.code).toBe(CoapCode.BadRequest);
    const partial = await ask({
      op: 'write',
      path: p('/3416/0'),
      replace: false,
      contentFormat: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"bn":"/3416/0/","n":"1","v":20}]'),
    });
    expect(partial.message.code).toBe(CoapCode.Changed);
    expect(tree.get(p('/3416/0/3'))).toBe(20);
    await client.stop();
  });

  it('answers Discover with versions, dim and written attributes, and Execute, Create and Delete', async () => {
    const { client, ask, tree, server } = await setup();
    await client.register();
    const wa = await ask({
      op: 'write-attributes',
      path: p('/3416/0/3'),
      attributes: { pmin: 10, pmax: 60 },
    });
    expect(wa.message.code).toBe(CoapCode.Changed);
    // pmax below pmin, sent raw (our own binding refuses to encode it).
    const bad = await server.request(udpPeer('127.0.0.1', 40001), {
      code: CoapCode.PUT,
      options: [
        ...stringOptions(CoapOption.UriPath, ['3416', '0', '3']),
        ...stringOptions(CoapOption.UriQuery, ['pmin=10', 'pmax=5']),
      ],
    });
    expect(bad.message.code).toBe(CoapCode.BadRequest);
    const disc = await ask({ op: 'discover', path: p('/3416') });
    expect(disc.payload.toString()).toBe(
      '</3416>;ver=2.0,</3416/0>,</3416/0/1>,</3416/0/3>;pmin=10;pmax=60,</3416/0/5>',
    );
    let rebooted = 0;
    tree.onExecute(3, 4, () => {
      rebooted++;
    });
    expect((await ask({ op: 'execute', path: p('/3/0/4') })).message.code).toBe(CoapCode.Changed);
    expect(rebooted).toBe(1);
    const created = await ask({
      op: 'create',
      path: p('/3416'),
      contentFormat: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"bn":"/3416/4/","n":"1","v":30}]'),
    });
    expect([created.message.code, locationPathOf(created.message)]).toEqual([
      CoapCode.Created,
      ['3416', '4'],
    ]);
    expect(tree.get(p('/3416/4/1'))).toBe(30);
    expect((await ask({ op: 'delete', path: p('/3416/4') })).message.code).toBe(CoapCode.Deleted);
    expect(tree.instanceIds(3416)).toEqual([0]);
    await client.stop();
  });

  it('sends notifications on change after pmin, and at pmax without change (on fake time)', async () => {
    const { client, ask, tree, clock } = await setup();
    await client.register();
    await ask({ op: 'write-attributes', path: p('/3/0/9'), attributes: { pmin: 10, pmax: 60 } });
    const wire: Array<{ at: number; payload: string; observe: number | undefined }> = [];
    const start = clock.now();
    const first = await ask({ op: 'observe', path: p('/3/0/9') }, async (n) => {
      wire.push({
        at: clock.now() - start,
        payload: n.payload.toString(),
        observe: uintOptionOf(n.message, CoapOption.Observe),
      });
      return true;
    });
    expect(first.message.code).toBe(CoapCode.Content);
    expect(uintOptionOf(first.message, CoapOption.Observe)).toBeGreaterThan(0);
    tree.set(p('/3/0/9'), 80); // waits for pmin (10 s after the Observe response)
    await clock.advanceAsync(9_000, 500);
    expect(wire).toEqual([]);
    await clock.advanceAsync(1_100, 100);
    expect(wire.map((w) => w.payload)).toEqual(['80']);
    await clock.advanceAsync(60_100, 1000); // no change: pmax
    expect(wire.map((w) => w.payload)).toEqual(['80', '80']);
    expect(wire[1]!.at - wire[0]!.at).toBeGreaterThanOrEqual(60_000);
    expect(wire[1]!.observe).toBeGreaterThan(wire[0]!.observe!); // RFC 7641 §4.4 ordering
    expect(client.observationCount).toBe(1);
    await client.stop();
  });

  it('honours st: a small change is not notified, a larger one is', async () => {
    const { client, ask, tree, clock } = await setup();
    await client.register();
    await ask({ op: 'write-attributes', path: p('/3/0/9'), attributes: { st: 5 } });
    const wire: string[] = [];
    await ask({ op: 'observe', path: p('/3/0/9') }, async (n) => {
      wire.push(n.payload.toString());
      return true;
    });
    tree.set(p('/3/0/9'), 85);
    await clock.advanceAsync(20, 1);
    tree.set(p('/3/0/9'), 80);
    await clock.advanceAsync(20, 1);
    expect(wire).toEqual(['80']);
    await client.stop();
  });

  it('ends an observation when the server answers a notification with RST (RFC 7641 §3.6)', async () => {
    const { client, ask, tree, server, clock } = await setup();
    await client.register();
    const wire: string[] = [];
    const first = await ask({ op: 'observe', path: p('/3/0/9') }, async () => true);
    await ask({ op: 'observe', path: p('/3/0/0') }, async (n) => {
      wire.push(n.payload.toString());
      return true;
    });
    expect(client.observationCount).toBe(2);
    // The server forgets the first observation: its next notification is answered with RST.
    server.forget(udpPeer('127.0.0.1', 40001), first.token);
    tree.set(p('/3/0/9'), 10);
    tree.set(p('/3/0/0'), 'Acme Lighting');
    await clock.advanceAsync(20, 1);
    expect(client.observationCount).toBe(1);
    expect(wire).toEqual(['Acme Lighting']);
    await client.stop();
  });

  it('sends data with Send (POST /dp, SenML CBOR)', async () => {
    const { client, uplinks, tree } = await setup();
    await client.register();
    expect(await client.send([p('/3/0/9'), p('/3416/0/3')])).toBe(CoapCode.Changed);
    const dp = uplinks.find((u) => u.path[0] === 'dp')!;
    expect(dp.contentFormat).toBe(ContentFormat.SENML_CBOR);
    const records = decoder.decode(dp.payload, ContentFormat.SENML_CBOR, {
      path: Lwm2mPath.ROOT,
      models: tree,
    });
    expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
      ['/3/0/9', 87],
      ['/3416/0/3', 100],
    ]);
    await client.stop();
  });

  it('sends a large Send in Block1 blocks, reassembled whole at the server (RFC 7959)', async () => {
    const { client, uplinks, tree } = await setup();
    await client.register();
    const records = Array.from({ length: 300 }, (_, i) => ({
      path: p('/3/0/9'),
      type: 'integer' as const,
      value: i,
      time: 1_700_000_000 + i,
    }));
    expect(await client.send([], { records, format: ContentFormat.SENML_JSON })).toBe(CoapCode.Changed);
    const dp = uplinks.filter((u) => u.path[0] === 'dp');
    expect(dp).toHaveLength(1);
    expect(dp[0]!.payload.length).toBeGreaterThan(4096);
    expect(
      decoder.decode(dp[0]!.payload, ContentFormat.SENML_JSON, { path: Lwm2mPath.ROOT, models: tree }),
    ).toHaveLength(300);
    await client.stop();
  });

  it('registers again when an Update gets 4.04, and refreshes before the lifetime ends', async () => {
    const { client, uplinks, setAnswer, clock } = await setup({ lifetime: 100 });
    await client.register();
    await clock.advanceAsync(89_000, 1000);
    expect(uplinks).toHaveLength(1);
    await clock.advanceAsync(1_100, 100); // 90 % of 100 s
    expect(uplinks[1]?.path).toEqual(['rd', 'r1']);
    setAnswer((up, ex) =>
      up.path.length === 2
        ? ex.respond(CoapCode.NotFound)
        : ex.respond(CoapCode.Created, stringOptions(CoapOption.LocationPath, ['rd', 'r2'])),
    );
    await client.update();
    expect(uplinks.map((u) => u.path.join('/'))).toEqual(['rd', 'rd/r1', 'rd/r1', 'rd']);
    expect(client.registrationLocation).toBe('/rd/r2');
    await client.stop();
    expect(uplinks.at(-1)).toMatchObject({ code: CoapCode.DELETE, path: ['rd', 'r2'] });
  });

  it('in queue mode sleeps after the awake time, ignores requests, and wakes with an Update before sending', async () => {
    const { client, uplinks, net, clock, ask } = await setup({ queueAwakeMs: 5_000 });
    await client.register();
    expect(parseRegistrationParams(uplinks[0]!.query).queueMode).toBe(true);
    await clock.advanceAsync(5_100, 100);
    expect(client.state).toBe('sleeping');
    const before = net.log.length;
    const lost = ask({ op: 'read', path: p('/3/0/9') });
    lost.catch(() => undefined);
    await flushMicrotasks();
    expect(net.log.slice(before).filter((l) => l.from === 40001)).toHaveLength(0);
    expect(await client.send([p('/3/0/9')])).toBe(CoapCode.Changed);
    expect(uplinks.map((u) => u.path.join('/'))).toEqual(['rd', 'rd/r1', 'dp']);
    expect(client.state).toBe('registered');
    await client.stop();
  });

  it('answers Read-Composite (FETCH) and applies Write-Composite (iPATCH) in SenML JSON', async () => {
    const { client, ask, tree } = await setup();
    await client.register();
    const read = await ask({
      op: 'read-composite',
      contentFormat: ContentFormat.SENML_JSON,
      accept: ContentFormat.SENML_JSON,
      paths: Buffer.from('[{"n":"/3/0/9"},{"n":"/3416/0/3"}]'),
    });
    expect(read.message.code).toBe(CoapCode.Content);
    const records = decoder.decode(read.payload, ContentFormat.SENML_JSON, {
      path: Lwm2mPath.ROOT,
      models: tree,
    });
    expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
      ['/3/0/9', 87],
      ['/3416/0/3', 100],
    ]);
    const write = await ask({
      op: 'write-composite',
      contentFormat: ContentFormat.SENML_JSON,
      payload: Buffer.from('[{"n":"/3416/0/1","v":55},{"n":"/3/0/14","vs":"+01:00"}]'),
    });
    expect(write.message.code).toBe(CoapCode.Changed);
    expect(tree.get(p('/3416/0/1'))).toBe(55);
    expect(tree.get(p('/3/0/14'))).toBe('+01:00');
    await client.stop();
  });

  it('observes several paths at once with Observe-Composite, and stops on its cancellation', async () => {
    const { client, ask, tree, clock } = await setup();
    await client.register();
    const seen: string[] = [];
    const paths = Buffer.from('[{"n":"/3/0/9"},{"n":"/3416/0/3"}]');
    const first = await ask(
      {
        op: 'observe-composite',
        contentFormat: ContentFormat.SENML_JSON,
        accept: ContentFormat.SENML_JSON,
        paths,
      },
      async (n) => {
        seen.push(n.payload.toString());
        return true;
      },
    );
    expect([first.message.code, cf(first)]).toEqual([CoapCode.Content, ContentFormat.SENML_JSON]);
    tree.set(p('/3416/0/3'), 20);
    await clock.advanceAsync(20, 1);
    expect(seen).toHaveLength(1);
    const records = decoder.decode(Buffer.from(seen[0]!), ContentFormat.SENML_JSON, {
      path: Lwm2mPath.ROOT,
      models: tree,
    });
    expect(records.map((r) => [r.path.toString(), r.value])).toEqual([
      ['/3/0/9', 87],
      ['/3416/0/3', 20],
    ]);
    expect(client.observationCount).toBe(1);
    await ask({
      op: 'cancel-observe-composite',
      contentFormat: ContentFormat.SENML_JSON,
      paths,
    }).catch(() => undefined);
    await client.stop();
  });
});
