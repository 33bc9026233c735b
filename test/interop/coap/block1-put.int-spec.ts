import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockOf, CoapCode, CoapOption, CoapType, formatCode } from '@smartcity/coap';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { aiocoap, LARGE_SIZE, largeText, libcoapClient, requirePeers, scratchDir } from './coap-peers';
import { BLOB_OBJECT, type InteropDevice, startInteropDevice } from './interop-device';
import { NodeCoapPeer } from './node-coap-peer';
import { PlainCoapServer } from './plain-coap-server';
import { type RecordingTransport } from './recording-transport';

jest.setTimeout(120_000);

const TEXT_PLAIN = 0;
const OCTET_STREAM = 42;

/**
 * Block1 (RFC 7959 §2.5) into our server roles: each peer PUTs a body of more than 3 KiB, in blocks, to our
 * `CoapEndpoint` server and, as an LwM2M Write (Core 1.1.1 §6.3.3), to the LwM2M client's string and opaque
 * resources; the application sees the body once, whole.
 */
describe('Block1 PUT of a large body into our server roles, by libcoap, aiocoap and node-coap', () => {
  const server = new PlainCoapServer();
  const nodeCoap = new NodeCoapPeer();
  let serverPort = 0;
  let device: InteropDevice;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;

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
    readonly path: string;
    readonly contentFormat: number;
    port(): number;
    transport(): RecordingTransport;
    /** A new body each time, so a stale value cannot pass. */
    body(): Buffer;
    /** What the application holds now. */
    stored(): Buffer | undefined;
  }
  const timezone = new Lwm2mPath(3, 0, 15);
  const blob = new Lwm2mPath(BLOB_OBJECT, 0, 0);
  const targets: Array<[string, Target]> = [
    [
      'our CoapEndpoint server /sink',
      {
        path: 'sink',
        contentFormat: OCTET_STREAM,
        port: () => serverPort,
        transport: () => server.transport,
        body: () => randomBytes(LARGE_SIZE),
        stored: () => server.get('sink'),
      },
    ],
    [
      'the LwM2M client /3/0/15 (string Timezone, text/plain)',
      {
        path: '3/0/15',
        contentFormat: TEXT_PLAIN,
        port: () => device.port,
        transport: () => device.transport,
        body: () => Buffer.from(largeText().replace(/-/g, String(Math.floor(Math.random() * 10)))),
        stored: () => {
          const v = device.tree.get(timezone);
          return typeof v === 'string' ? Buffer.from(v) : undefined;
        },
      },
    ],
    [
      'the LwM2M client /26241/0/0 (opaque)',
      {
        path: `${BLOB_OBJECT}/0/0`,
        contentFormat: OCTET_STREAM,
        port: () => device.port,
        transport: () => device.transport,
        body: () => randomBytes(LARGE_SIZE),
        stored: () => {
          const v = device.tree.get(blob);
          return v instanceof Uint8Array ? Buffer.from(v) : undefined;
        },
      },
    ],
  ];

  /** The PUT arrived in 1024-byte blocks, each but the last answered 2.31, the last 2.04 echoing Block1 (§2.3). */
  function expectReceivedInBlocks(transport: RecordingTransport, mark: number): void {
    const n = Math.ceil(LARGE_SIZE / 1024);
    const puts = transport.messages('in', (m) => m.code === CoapCode.PUT, mark);
    expect(puts.map((m) => blockOf(m, CoapOption.Block1))).toEqual(
      Array.from({ length: n }, (_, num) => ({ num, more: num < n - 1, szx: 6 })),
    );
    const ids = new Set(puts.map((m) => m.messageId));
    const answers = transport.messages(
      'out',
      (m) => m.type === CoapType.Acknowledgement && ids.has(m.messageId),
      mark,
    );
    expect(answers.map((m) => [formatCode(m.code), blockOf(m, CoapOption.Block1)?.num])).toEqual([
      ...Array.from({ length: n - 1 }, (_, num) => ['2.31', num]),
      ['2.04', n - 1],
    ]);
  }

  describe.each(targets)('%s', (_name, target) => {
    const uri = () => `coap://127.0.0.1:${target.port()}/${target.path}`;

    it('libcoap coap-client-notls -b 1024 -m put', async () => {
      const body = target.body();
      const file = join(scratch.path, 'put.bin');
      await writeFile(file, body);
      const mark = target.transport().mark();
      const result = await libcoapClient([
        '-m',
        'put',
        '-t',
        String(target.contentFormat),
        '-b',
        '1024',
        '-f',
        file,
        uri(),
      ]);
      expect(result.stdout + result.stderr).toMatch(/c:2\.04/);
      expect(target.stored()?.equals(body)).toBe(true);
      expectReceivedInBlocks(target.transport(), mark);
    });

    it('aiocoap', async () => {
      const body = target.body();
      const file = join(scratch.path, 'put.bin');
      await writeFile(file, body);
      const mark = target.transport().mark();
      const events = await aiocoap(['put', uri(), file, String(target.contentFormat)]);
      expect(events.map((e) => e.code)).toEqual(['2.04']);
      expect(target.stored()?.equals(body)).toBe(true);
      expectReceivedInBlocks(target.transport(), mark);
    });

    it('node-coap with a Block1 option', async () => {
      const body = target.body();
      const mark = target.transport().mark();
      const res = await nodeCoap.request(
        {
          port: target.port(),
          method: 'PUT',
          pathname: `/${target.path}`,
          contentFormat: target.contentFormat,
          options: { Block1: Buffer.of(6) },
        },
        body,
      );
      expect(res.code).toBe('2.04');
      expect(target.stored()?.equals(body)).toBe(true);
      expectReceivedInBlocks(target.transport(), mark);
    });
  });
});
