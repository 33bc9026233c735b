import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockOf, type CoapMessage, CoapOption, CoapType, uintOptionOf } from '@smartcity/coap';
import { aiocoap, LARGE_SIZE, largeBody, libcoapClient, requirePeers, scratchDir } from './coap-peers';
import { type InteropDevice, startInteropDevice } from './interop-device';
import { NodeCoapPeer } from './node-coap-peer';
import { PlainCoapServer } from './plain-coap-server';
import { type RecordingTransport } from './recording-transport';

jest.setTimeout(120_000);

/**
 * Block2 (RFC 7959 §2.4): each independent peer GETs a resource of more than 3 KiB from each server role of
 * ours and must get it whole, byte for byte, in 1024-byte blocks: our `CoapEndpoint` as a plain CoAP server,
 * and the LwM2M client answering a Read (Core 1.1.1 §6.3.1) of a large string and a large opaque resource.
 */
describe('Block2 GET of a large resource from our server roles, by libcoap, aiocoap and node-coap', () => {
  const server = new PlainCoapServer();
  const nodeCoap = new NodeCoapPeer();
  let serverPort = 0;
  let device: InteropDevice;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;

  beforeAll(async () => {
    await requirePeers();
    scratch = await scratchDir();
    server.set('large', largeBody());
    serverPort = await server.start();
    device = await startInteropDevice(serverPort);
    await nodeCoap.start();
  });

  afterAll(async () => {
    await nodeCoap.close();
    await device?.client.stop({ deregister: false });
    await server.close();
    await scratch?.remove();
  });

  interface Target {
    readonly name: string;
    uri(): string;
    body(): Buffer;
    transport(): RecordingTransport;
  }
  const targets: Target[] = [
    {
      name: 'CoapEndpoint server /large (octet-stream)',
      uri: () => `coap://127.0.0.1:${serverPort}/large`,
      body: () => largeBody(),
      transport: () => server.transport,
    },
    {
      name: 'LwM2M client /3/0/0 (string Manufacturer, text/plain)',
      uri: () => `coap://127.0.0.1:${device.port}/3/0/0`,
      body: () => device.manufacturer,
      transport: () => device.transport,
    },
    {
      name: 'LwM2M client /26241/0/0 (opaque)',
      uri: () => `coap://127.0.0.1:${device.port}/26241/0/0`,
      body: () => device.blob,
      transport: () => device.transport,
    },
  ];

  /**
   * The blocks our side sent since `mark`: NUM 0..n-1 of 2**(SZX+4) bytes, M on all but the last, Size2 on block 0
   * (RFC 7959 §4). SZX 6 (1024 bytes) is ours; a client may ask for smaller blocks in its first request (§2.4).
   */
  function expectServedInBlocks(transport: RecordingTransport, mark: number, szx = 6): void {
    const responses = transport.messages('out', (m) => m.code >> 5 === 2, mark);
    const blocks = responses.map((m: CoapMessage) => blockOf(m, CoapOption.Block2));
    const n = Math.ceil(LARGE_SIZE / 2 ** (szx + 4));
    expect(blocks.map((b) => b && [b.num, b.more, b.szx])).toEqual(
      Array.from({ length: n }, (_, num) => [num, num < n - 1, szx]),
    );
    expect(uintOptionOf(responses[0]!, CoapOption.Size2)).toBe(LARGE_SIZE);
  }

  describe.each(targets)('$name', (target) => {
    it('libcoap coap-client-notls gets it whole', async () => {
      const out = join(scratch.path, `libcoap-${Math.random().toString(36).slice(2)}.bin`);
      const mark = target.transport().mark();
      const result = await libcoapClient(['-o', out, target.uri()]);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).toMatch(/c:2\.05/);
      expect((await readFile(out)).equals(target.body())).toBe(true);
      expectServedInBlocks(target.transport(), mark);
    });

    it('libcoap coap-client-notls -b 64 gets it whole in the 64-byte blocks it asked for', async () => {
      const out = join(scratch.path, `libcoap64-${Math.random().toString(36).slice(2)}.bin`);
      const mark = target.transport().mark();
      const result = await libcoapClient(['-b', '64', '-o', out, target.uri()]);
      expect(result.code).toBe(0);
      expect((await readFile(out)).equals(target.body())).toBe(true);
      expectServedInBlocks(target.transport(), mark, 2);
    });

    it('libcoap coap-client-notls -b 2,1024 (random access, RFC 7959 §2.4) gets block 2 alone', async () => {
      const out = join(scratch.path, `libcoapRA-${Math.random().toString(36).slice(2)}.bin`);
      const mark = target.transport().mark();
      const result = await libcoapClient(['-b', '2,1024', '-o', out, target.uri()]);
      expect(result.code).toBe(0);
      // libcoap asks for that one block only; we answer it with M=1 (more follow) and no Size2 (block 0 only).
      expect((await readFile(out)).equals(target.body().subarray(2048, 3072))).toBe(true);
      const responses = target.transport().messages('out', (m) => m.code >> 5 === 2, mark);
      expect(responses.map((m) => blockOf(m, CoapOption.Block2))).toEqual([{ num: 2, more: true, szx: 6 }]);
      expect(uintOptionOf(responses[0]!, CoapOption.Size2)).toBeUndefined();
    });

    it('libcoap coap-client-notls -N (NON requests) gets it whole', async () => {
      const out = join(scratch.path, `libcoapN-${Math.random().toString(36).slice(2)}.bin`);
      const mark = target.transport().mark();
      const result = await libcoapClient(['-N', '-o', out, target.uri()]);
      expect(result.code).toBe(0);
      expect((await readFile(out)).equals(target.body())).toBe(true);
      expectServedInBlocks(target.transport(), mark);
      // RFC 7252 §5.2.3: a NON request gets NON responses.
      expect(
        target
          .transport()
          .messages('out', (m) => m.code >> 5 === 2, mark)
          .every((m) => m.type === CoapType.NonConfirmable),
      ).toBe(true);
    });

    it('aiocoap gets it whole', async () => {
      const out = join(scratch.path, `aiocoap-${Math.random().toString(36).slice(2)}.bin`);
      const mark = target.transport().mark();
      const events = await aiocoap(['get', target.uri(), out]);
      expect(events).toEqual([{ event: 'response', code: '2.05', size: LARGE_SIZE }]);
      expect((await readFile(out)).equals(target.body())).toBe(true);
      expectServedInBlocks(target.transport(), mark);
    });

    it('node-coap gets it whole', async () => {
      const url = new URL(target.uri());
      const mark = target.transport().mark();
      const res = await nodeCoap.request({ port: Number(url.port), pathname: url.pathname });
      expect(res.code).toBe('2.05');
      expect(res.payload.equals(target.body())).toBe(true);
      expectServedInBlocks(target.transport(), mark);
    });
  });
});
