import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  blockOf,
  CoapCode,
  type CoapMessage,
  CoapOption,
  CoapType,
  type Peer,
  udpPeer,
} from '@smartcity/coap';
import { freeUdpPort } from '../../../bench/pipeline/ports';
import {
  aiocoap,
  LARGE_SIZE,
  largeBody,
  libcoapClient,
  LIBCOAP_SERVER,
  PeerProcess,
  requirePeers,
  scratchDir,
} from './coap-peers';
import { NodeCoapPeer } from './node-coap-peer';
import { ObserverEndpoint } from './observer-endpoint';
import { PlainCoapServer } from './plain-coap-server';
import { type RecordingTransport } from './recording-transport';

jest.setTimeout(120_000);

/**
 * Block-wise transfers when datagrams are lost (RFC 7252 §4.2 retransmission, §4.5 deduplication): we lose one of
 * our own block responses, the peer retransmits its request with the same message id, and our deduplication
 * answers it again without the application seeing a second request; and against libcoap's server, which loses
 * some of its responses (`-l`), our client retransmits until the transfer completes.
 */
describe('block-wise transfers with lost datagrams, with libcoap, aiocoap and node-coap', () => {
  const server = new PlainCoapServer();
  const nodeCoap = new NodeCoapPeer();
  let serverPort = 0;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;

  beforeAll(async () => {
    await requirePeers();
    scratch = await scratchDir();
    server.set('large', largeBody());
    serverPort = await server.start();
    await nodeCoap.start();
  });

  afterEach(() => {
    server.transport.loseOutgoing = undefined;
  });

  afterAll(async () => {
    await nodeCoap.close();
    await server.close();
    await scratch?.remove();
  });

  /** Loses, once, our response carrying `option` with block NUM `num`. Returns the lost message, once sent. */
  function loseOnce(option: number, num: number): () => CoapMessage | undefined {
    let lost: CoapMessage | undefined;
    server.transport.loseOutgoing = (m) => {
      if (lost || m.type !== CoapType.Acknowledgement || blockOf(m, option)?.num !== num) return false;
      lost = m;
      return true;
    };
    return () => lost;
  }

  /** The peer retransmitted the request of the lost response, and our second answer is the same datagram. */
  function expectReplayed(transport: RecordingTransport, lost: CoapMessage | undefined, mark: number): void {
    expect(lost).toBeDefined();
    const sameId = (m: CoapMessage) => m.messageId === lost!.messageId;
    expect(transport.messages('in', (m) => sameId(m) && m.type === CoapType.Confirmable, mark)).toHaveLength(
      2,
    );
    const answers = transport.messages('out', (m) => sameId(m) && m.type === CoapType.Acknowledgement, mark);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toEqual(answers[0]);
  }

  const peers: Array<[string, () => Promise<Buffer>]> = [
    [
      'libcoap coap-client-notls',
      async () => {
        const out = join(scratch.path, 'lost-libcoap.bin');
        const result = await libcoapClient(['-o', out, `coap://127.0.0.1:${serverPort}/large`]);
        expect(result.code).toBe(0);
        return readFile(out);
      },
    ],
    [
      'aiocoap',
      async () => {
        const out = join(scratch.path, 'lost-aiocoap.bin');
        await aiocoap(['get', `coap://127.0.0.1:${serverPort}/large`, out]);
        return readFile(out);
      },
    ],
    ['node-coap', async () => (await nodeCoap.request({ port: serverPort, pathname: '/large' })).payload],
  ];

  it.each(peers)('%s GETs /large whole though our Block2 response 2 was lost', async (_name, get) => {
    const lost = loseOnce(CoapOption.Block2, 2);
    const handled = server.handled.get('0.01 large') ?? 0;
    const mark = server.transport.mark();
    expect((await get()).equals(largeBody())).toBe(true);
    expectReplayed(server.transport, lost(), mark);
    // Only block 0 reached the application: the other blocks came from the body cache, the repeat from dedup.
    expect(server.handled.get('0.01 large')).toBe(handled + 1);
  });

  it('libcoap coap-client-notls PUTs a large body whole, once, though our 2.31 for block 1 was lost', async () => {
    const body = randomBytes(LARGE_SIZE);
    const file = join(scratch.path, 'lost-put.bin');
    await writeFile(file, body);
    const lost = loseOnce(CoapOption.Block1, 1);
    const mark = server.transport.mark();
    const result = await libcoapClient([
      '-m',
      'put',
      '-b',
      '1024',
      '-f',
      file,
      `coap://127.0.0.1:${serverPort}/sink`,
    ]);
    expect(result.stdout + result.stderr).toMatch(/c:2\.04/);
    expect(server.get('sink')?.equals(body)).toBe(true);
    expect(server.handled.get('0.03 sink')).toBe(1);
    expectReplayed(server.transport, lost(), mark);
  });

  describe('our CoapEndpoint against coap-server-notls -l 2,9 (libcoap loses its 2nd and 9th datagram)', () => {
    const ours = new ObserverEndpoint();
    let libcoap: PeerProcess;
    let peer: Peer;

    beforeAll(async () => {
      const port = await freeUdpPort();
      peer = udpPeer('127.0.0.1', port);
      libcoap = new PeerProcess(LIBCOAP_SERVER, [
        '-A',
        '127.0.0.1',
        '-p',
        String(port),
        '-v',
        '7',
        '-l',
        '2,9',
      ]);
      await libcoap.waitForLine((l) => l.includes(`created UDP  endpoint 127.0.0.1:${port}`));
      await ours.start();
    });

    afterAll(async () => {
      await ours.close();
      await libcoap?.kill();
    });

    it('retransmits until the Block1 PUT and the Block2 GET complete, byte for byte', async () => {
      const body = randomBytes(LARGE_SIZE);
      const mark = ours.transport.mark();
      const put = await ours.request(peer, CoapCode.PUT, ['example_data'], body);
      expect([CoapCode.Created, CoapCode.Changed]).toContain(put.message.code);
      const back = await ours.request(peer, CoapCode.GET, ['example_data']);
      expect(back.payload.equals(body)).toBe(true);
      // libcoap logged both losses, and we sent each of the two requests concerned twice (same message id).
      await libcoap.waitForLine((l) => l.includes('Packet 9 dropped'));
      expect(libcoap.lines.filter((l) => /Packet \d+ dropped/.test(l))).toHaveLength(2);
      const sent = ours.transport.messages('out', (m) => m.type === CoapType.Confirmable, mark);
      const repeats = sent.filter((m, i) => sent.findIndex((o) => o.messageId === m.messageId) !== i);
      expect(repeats.map((m) => m.code)).toEqual([CoapCode.PUT, CoapCode.GET]);
    });
  });
});
