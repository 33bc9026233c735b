import { ContentFormat } from '@smartcity/lwm2m-codec';
/**
 * Interoperability of @smartcity/lwm2m-client with Eclipse Leshan's server demo (the reference LwM2M server,
 * fetched from Maven Central). Leshan runs on loopback ports of its own; the test drives it through its REST API
 * the way a person would through its web UI: the client registers, Leshan reads, writes, discovers, observes.
 */
import { CoapCode, UdpTransport, udpPeer } from '@smartcity/coap';
import { Lwm2mClient, ObjectTree } from '@smartcity/lwm2m-client';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type LeshanServer, startLeshanServer } from './leshan/leshan-server-demo';

const registry = loadBundledRegistry();
const model = (id: number, version: string) => {
  const m = registry.get(id, version);
  if (!m) throw new Error(`no model ${id} v${version}`);
  return m;
};

interface LeshanResponse {
  status: string;
  success: boolean;
  content?: {
    id: number;
    value?: unknown;
    values?: Record<string, unknown>;
    resources?: Array<{ id: number; value?: unknown }>;
  };
}

describe('lwm2m-client against the Leshan server demo', () => {
  let leshan: LeshanServer;
  let client: Lwm2mClient;
  let tree: ObjectTree;
  const endpoint = `interop-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    // Leshan 2.0.0-M4 bundles the uCIFI objects at version 1.0 (and rejects newer DDF files against its XSD), so this
    // device is one of the "older firmware" profiles: 3416 v1.0, announced without `ver`, next to Device v1.1.
    leshan = await startLeshanServer([]);
    tree = new ObjectTree()
      .addObject(model(1, '1.1'))
      .addObject(model(3, '1.1'))
      .addObject(model(3416, '1.0'))
      .addInstance(1, 0, { 0: 1, 1: 60, 6: false, 7: 'U' })
      .addInstance(3, 0, {
        0: 'Smartcity Simulator',
        1: 'SL-2000',
        2: 'SN-0001',
        3: '1.0.0',
        9: 93,
        11: new Map([[0, 0]]),
        16: 'U',
      })
      .addInstance(3416, 0, { 1: 100, 3: 100, 4: 100, 5: false });
    // The device applies a dimming command to its reported level, as the simulator's streetlights do.
    tree.onWrite((path, value) => {
      if (path.toString() === '/3416/0/1' && typeof value === 'number')
        tree.set(Lwm2mPath.parse('/3416/0/3'), value);
    });
    client = new Lwm2mClient({
      endpoint,
      server: udpPeer('127.0.0.1', leshan.coapPort),
      tree,
      transport: new UdpTransport(),
      lifetime: 60,
    });
    await client.register();
  }, 180_000);

  afterAll(async () => {
    await client?.stop();
    await leshan?.stop();
  });

  const api = async (method: string, path: string, body?: unknown): Promise<LeshanResponse> => {
    const res = await fetch(`${leshan.webUrl}/api/clients/${endpoint}${path}`, {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : { status: String(res.status), success: true }) as LeshanResponse;
  };

  it('shows the client registered with its objects and versions', async () => {
    const res = await fetch(`${leshan.webUrl}/api/clients`);
    expect(res.status).toBe(200);
    const clients = (await res.json()) as Array<{
      endpoint: string;
      lifetime: number;
      objectLinks: Array<{ url: string; attributes?: Record<string, unknown> }>;
    }>;
    const mine = clients.find((c) => c.endpoint === endpoint);
    expect(mine).toBeDefined();
    expect(mine?.lifetime).toBe(60);
    expect(mine?.objectLinks.map((l) => l.url)).toEqual(expect.arrayContaining(['/3/0', '/3416/0']));
    // Device 1.1 is what a server assumes of a LwM2M 1.1 client without `ver` (Core 1.1.1 §7.2.3): no `</3>` link.
    expect(mine?.objectLinks.find((l) => l.url === '/3')).toBeUndefined();
    expect(mine?.objectLinks.find((l) => l.url === '/3416')).toBeUndefined(); // 1.0: no `ver`, instances only
  });

  it.each(['TLV', 'SENML_JSON', 'SENML_CBOR'])(
    'lets Leshan read the Device instance /3/0 in %s',
    async (format) => {
      const res = await api('GET', `/3/0?format=${format}&timeout=5`);
      expect(res.success).toBe(true);
      const resources = new Map((res.content?.resources ?? []).map((r) => [r.id, r.value]));
      expect(resources.get(0)).toBe('Smartcity Simulator');
      expect(resources.get(9)).toBe(93);
    },
  );

  it('lets Leshan read a uCIFI resource and write a dimming command that changes the reported level', async () => {
    expect((await api('GET', '/3416/0/3?timeout=5')).content?.value).toBe(100);
    const write = await api('PUT', '/3416/0/1?format=TEXT&timeout=5', { id: 1, value: 40 });
    expect(write.success).toBe(true);
    expect(tree.get(Lwm2mPath.parse('/3416/0/1'))).toBe(40);
    expect((await api('GET', '/3416/0/3?format=TLV&timeout=5')).content?.value).toBe(40);
  });

  it('answers Discover with the instances and resources of the object', async () => {
    const res = (await api('GET', '/3416/discover?timeout=5')) as unknown as {
      success: boolean;
      objectLinks: Array<{ url: string; attributes?: Record<string, unknown> }>;
    };
    expect(res.success).toBe(true);
    expect(res.objectLinks.map((l) => l.url)).toEqual(
      expect.arrayContaining(['/3416', '/3416/0', '/3416/0/3']),
    );
  });

  it('lets Leshan observe a resource and receives the notification of a change', async () => {
    const controller = new AbortController();
    const events = await fetch(`${leshan.webUrl}/api/event?ep=${endpoint}`, {
      signal: controller.signal,
      headers: { accept: 'text/event-stream' },
    });
    expect(events.status).toBe(200);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const observed = await api('POST', '/3416/0/3/observe?format=TEXT&timeout=5');
    expect(observed.success).toBe(true);
    expect(client.observationCount).toBe(1);
    tree.set(Lwm2mPath.parse('/3416/0/3'), 65);
    const decoder = new TextDecoder();
    let buffer = '';
    const deadline = Date.now() + 10_000;
    let notification: { res: string; val: { value: unknown } } | undefined;
    while (!notification && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value);
      const match = /event: ?NOTIFICATION\r?\ndata: ?(.*)\r?\n/.exec(buffer);
      if (match?.[1]) notification = JSON.parse(match[1]) as typeof notification;
    }
    controller.abort();
    expect(notification?.res).toBe('/3416/0/3');
    expect(notification?.val.value).toBe(65);
    await api('DELETE', '/3416/0/3/observe');
  });

  it('lets Leshan execute a resource and write notification attributes', async () => {
    let reboots = 0;
    tree.onExecute(3, 4, () => {
      reboots++;
    });
    const exec = await api('POST', '/3/0/4?timeout=5');
    expect(exec.success).toBe(true);
    expect(reboots).toBe(1);
    const attrs = await api('PUT', '/3416/0/3/attributes?pmin=1&pmax=60');
    expect(attrs.success).toBe(true);
    const discover = (await api('GET', '/3416/0/3/discover?timeout=5')) as unknown as {
      objectLinks: Array<{ url: string; attributes?: Record<string, unknown> }>;
    };
    expect(discover.objectLinks[0]?.attributes).toMatchObject({ pmin: '1', pmax: '60' });
  });

  it('delivers a Send (POST /dp) that Leshan accepts', async () => {
    const code = await client.send([Lwm2mPath.parse('/3/0/9'), Lwm2mPath.parse('/3416/0/3')], {
      format: ContentFormat.SENML_CBOR,
    });
    expect(code).toBe(CoapCode.Changed);
  });

  it('keeps the registration with an Update and de-registers', async () => {
    await client.update();
    await client.deregister();
    const clients = (await (await fetch(`${leshan.webUrl}/api/clients`)).json()) as Array<{
      endpoint: string;
    }>;
    expect(clients.find((c) => c.endpoint === endpoint)).toBeUndefined();
  });
});
