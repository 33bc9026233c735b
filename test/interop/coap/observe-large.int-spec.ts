import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockOf, CoapOption, uintOptionOf } from '@smartcity/coap';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import {
  largeBody,
  largeText,
  LIBCOAP_CLIENT,
  PeerProcess,
  requirePeers,
  scratchDir,
  waitUntil,
} from './coap-peers';
import { type InteropDevice, startInteropDevice } from './interop-device';
import { NodeCoapPeer } from './node-coap-peer';
import { PlainCoapServer } from './plain-coap-server';
import { answerToNotification, type RecordingTransport } from './recording-transport';

jest.setTimeout(120_000);

/**
 * Observe of a resource larger than a block (RFC 7959 §2.6 with RFC 7641): the registration's response and every
 * notification carry block 0 with Block2 M=1 and Size2; the observer fetches the other blocks with plain GETs and
 * must see each representation whole. Our server roles notify; each peer observes.
 */
describe('peers observe a large resource of our server roles (Block2 notifications, RFC 7959 §2.6)', () => {
  const server = new PlainCoapServer();
  const nodeCoap = new NodeCoapPeer();
  let serverPort = 0;
  let device: InteropDevice;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  const manufacturer = new Lwm2mPath(3, 0, 0);

  beforeAll(async () => {
    await requirePeers();
    scratch = await scratchDir();
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
    transport(): RecordingTransport;
    /** Sets the first representation, before the peer registers. */
    reset(body: Buffer): void;
    change(body: Buffer): Promise<void>;
    observations(): number;
  }
  /** Three large representations (the LwM2M resource is a string: UTF-8 text). */
  const bodies = (text: boolean): Buffer[] =>
    text
      ? [largeText(4500), largeText(3100).replace(/-/g, '+'), largeText(5200)].map((t) => Buffer.from(t))
      : [largeBody(4500), Buffer.from(largeBody(3100)).reverse(), largeBody(5200)];

  const targets: Array<[string, Target, boolean]> = [
    [
      'our CoapEndpoint server /large',
      {
        name: 'plain',
        uri: () => `coap://127.0.0.1:${serverPort}/large`,
        transport: () => server.transport,
        reset: (body) => server.set('large', body),
        change: async (body) => void (await server.change('large', body, true)),
        observations: () => server.observersOf('large').length,
      },
      false,
    ],
    [
      'the LwM2M client /3/0/0',
      {
        name: 'lwm2m',
        uri: () => `coap://127.0.0.1:${device.port}/3/0/0`,
        transport: () => device.transport,
        reset: (body) => device.tree.set(manufacturer, body.toString('utf8')),
        change: (body) => Promise.resolve(device.tree.set(manufacturer, body.toString('utf8'))),
        observations: () => device.client.observationCount,
      },
      true,
    ],
  ];

  /** Our side sent every notification as block 0 of its representation: Block2 0/M/1024 and its Size2 (§2.6, §4). */
  function expectBlockwiseNotifications(transport: RecordingTransport, mark: number, sizes: number[]): void {
    const notifications = transport.messages(
      'out',
      (m) => m.code >> 5 === 2 && uintOptionOf(m, CoapOption.Observe) !== undefined,
      mark,
    );
    expect(
      notifications.map((m) => [blockOf(m, CoapOption.Block2), uintOptionOf(m, CoapOption.Size2)]),
    ).toEqual(sizes.map((size) => [{ num: 0, more: true, szx: 6 }, size]));
  }

  describe.each(targets)('%s', (_name, target, text) => {
    it('libcoap coap-client-notls gets each representation whole', async () => {
      const [first, second, third] = bodies(text) as [Buffer, Buffer, Buffer];
      target.reset(first);
      const out = join(scratch.path, `libcoap-${target.name}.bin`);
      const mark = target.transport().mark();
      const before = target.observations();
      const peer = new PeerProcess(LIBCOAP_CLIENT, [
        '-v',
        '6',
        '-B',
        '30',
        '-s',
        '6',
        '-o',
        out,
        target.uri(),
      ]);
      try {
        await waitUntil(() => target.observations() === before + 1, 20_000, 'the registration');
        // libcoap writes each reassembled body to the -o file, one after the other.
        const written = async (bytes: number) =>
          waitUntil(() => fileSize(out) >= bytes, 20_000, `${bytes} bytes in the output file`);
        await written(first.length);
        await target.change(second);
        await written(first.length + second.length);
        await target.change(third);
        await written(first.length + second.length + third.length);
        expect(await peer.exited).toBe(0);
        expect((await readFile(out)).equals(Buffer.concat([first, second, third]))).toBe(true);
        expectBlockwiseNotifications(target.transport(), mark, [first.length, second.length, third.length]);
      } finally {
        await peer.kill();
      }
    });

    it('aiocoap gets each representation whole', async () => {
      const [first, second, third] = bodies(text) as [Buffer, Buffer, Buffer];
      target.reset(first);
      const mark = target.transport().mark();
      const before = target.observations();
      const peer = PeerProcess.aiocoap(['observe', target.uri(), '2']);
      try {
        const [response] = await peer.waitForEvents((e) => e.event === 'response');
        expect(response?.payload).toBe(first.toString('hex'));
        await target.change(second);
        await peer.waitForEvents((e) => e.event === 'notification', 1);
        await target.change(third);
        await peer.waitForEvents((e) => e.event === 'notification', 2);
        expect(peer.events.filter((e) => e.event === 'notification').map((e) => e.payload)).toEqual([
          second.toString('hex'),
          third.toString('hex'),
        ]);
        expectBlockwiseNotifications(target.transport(), mark, [first.length, second.length, third.length]);
        // aiocoap cancelled after two notifications: a later one gets its Reset and our side forgets it.
        await peer.waitForEvents((e) => e.event === 'cancelled');
        const token = target
          .transport()
          .messages('out', (m) => uintOptionOf(m, CoapOption.Observe) !== undefined, mark)[0]!.token;
        const answers: string[] = [];
        while (answers.length < 3 && answers.at(-1) !== 'RST')
          answers.push(
            await answerToNotification(target.transport(), token, () =>
              target.change(answers.length % 2 === 0 ? first : second),
            ),
          );
        expect(answers.at(-1)).toBe('RST');
        await waitUntil(() => target.observations() === before, 20_000, 'the observation dropped');
      } finally {
        await peer.stop();
      }
    });

    // node-coap 1.5 takes the Observe of a notification from its *last* block, whose response (to a plain GET,
    // RFC 7959 §2.6) has none: it reads 0, judges the reassembled notification stale (RFC 7641 §3.4) and drops it.
    // It does get the registration's large response whole; that is what is tested here.
    it('node-coap gets the registration’s representation whole, and deregisters', async () => {
      const [first] = bodies(text) as [Buffer];
      target.reset(first);
      const mark = target.transport().mark();
      const before = target.observations();
      const url = new URL(target.uri());
      const stream = await nodeCoap.observe({ port: Number(url.port), pathname: url.pathname });
      const received: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => received.push(chunk));
      await waitUntil(() => received.length === 1, 20_000, 'the first representation');
      expect(received[0]!.equals(first)).toBe(true);
      expectBlockwiseNotifications(target.transport(), mark, [first.length]);
      expect(target.observations()).toBe(before + 1);
      // close(true): node-coap deregisters with a GET Observe=1 (RFC 7641 §3.6).
      stream.close(true);
      await waitUntil(() => target.observations() === before, 20_000, 'the deregistration');
    });
  });
});

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}
