import { randomBytes } from 'node:crypto';
import {
  blockOf,
  CoapCode,
  type CoapMessage,
  CoapOption,
  CoapType,
  formatCode,
  type Peer,
  stringOptions,
  uintOption,
  uintOptionOf,
  udpPeer,
} from '@smartcity/coap';
import { freeUdpPort } from '../../../bench/pipeline/ports';
import { LARGE_SIZE, largeBody, LIBCOAP_SERVER, PeerProcess, requirePeers, waitUntil } from './coap-peers';
import { NodeCoapServer } from './node-coap-peer';
import { type HeldObservation, ObserverEndpoint } from './observer-endpoint';
import { isReset, sameToken } from './recording-transport';

jest.setTimeout(120_000);

/**
 * Our `CoapEndpoint` in the client role against the peers' servers: Block2 GET of a large resource (RFC 7959
 * §2.4), Block1 PUT of a large body (§2.5), and Observe (RFC 7641 §3) with a cancel by `forget`: the next
 * notification on the forgotten token gets our Reset (§3.6) and the server stops notifying it, while a second
 * observation (the sentinel) keeps receiving.
 */
describe('our CoapEndpoint as a client of aiocoap’s, libcoap’s and node-coap’s servers', () => {
  const ours = new ObserverEndpoint();
  // A second endpoint (another socket): libcoap keeps one observer per client endpoint and resource.
  const other = new ObserverEndpoint();

  beforeAll(async () => {
    await requirePeers();
    await ours.start();
    await other.start();
  });

  afterAll(async () => {
    await ours.close();
    await other.close();
  });

  /** Block2 responses received since `mark`: NUM 0..n-1 in order, M on all but the last. */
  function expectDownloadedInBlocks(mark: number, length: number): void {
    const blocks = ours.transport
      .messages('in', (m) => m.code === CoapCode.Content, mark)
      .map((m) => blockOf(m, CoapOption.Block2));
    const n = Math.ceil(length / 1024);
    expect(blocks.map((b) => b && [b.num, b.more])).toEqual(
      Array.from({ length: n }, (_, num) => [num, num < n - 1]),
    );
  }

  /** Block1 requests sent since `mark`, and the answers: 2.31 Continue for all but the last (RFC 7959 §2.9.1). */
  function expectUploadedInBlocks(mark: number, length: number, final: string): void {
    const sent = ours.transport.messages('out', (m) => m.code === CoapCode.PUT, mark);
    const n = Math.ceil(length / 1024);
    expect(sent.map((m) => blockOf(m, CoapOption.Block1)?.num)).toEqual(
      Array.from({ length: n }, (_, i) => i),
    );
    const ids = new Set(sent.map((m) => m.messageId));
    const answers = ours.transport.messages(
      'in',
      (m) => m.type === CoapType.Acknowledgement && ids.has(m.messageId),
      mark,
    );
    expect(answers.map((m) => formatCode(m.code))).toEqual([...Array<string>(n - 1).fill('2.31'), final]);
  }

  /**
   * Two observations of one resource; `forget` the first; trigger notifications until the server has sent one on
   * the forgotten token: we must have Reset it, and after it the server must have sent nothing more on that token
   * (the sentinel receives the next one).
   */
  async function expectForgetResets(
    port: number,
    path: string[],
    how: {
      /** Makes the server send one notification to each observer; resolves once it was triggered. */
      notify: () => Promise<void>;
      /** Checks the server's own view after our Reset. */
      afterReset?: () => Promise<void>;
      onSentinel?: (sentinel: HeldObservation) => void;
      /** The notifications of both observations carry the same representation (not for a clock). */
      same?: boolean;
    },
  ): Promise<{ forgotten: HeldObservation; sentinel: HeldObservation }> {
    const { notify } = how;
    const forgotten = await ours.observe(port, path);
    const sentinel = await other.observe(port, path);
    how.onSentinel?.(sentinel);
    expect(forgotten.first.message.code).toBe(CoapCode.Content);
    await notify();
    await waitUntil(
      () => forgotten.notifications.length >= 1 && sentinel.notifications.length >= 1,
      20_000,
      'a notification on both observations',
    );
    if (how.same !== false) expect(forgotten.notifications[0]!.equals(sentinel.notifications[0]!)).toBe(true);

    ours.forget(port, forgotten);
    const mark = ours.transport.mark();
    const onForgotten = (m: CoapMessage) => sameToken(forgotten.token)(m) && m.code === CoapCode.Content;
    await notify();
    await waitUntil(
      () => ours.transport.messages('in', onForgotten, mark).length > 0,
      20_000,
      'a notification',
    );
    const notification = ours.transport.messages('in', onForgotten, mark)[0]!;
    await waitUntil(
      () =>
        ours.transport.messages('out', (m) => isReset(m) && m.messageId === notification.messageId, mark)
          .length > 0,
      5_000,
      'our Reset',
    );
    await how.afterReset?.();

    const seen = sentinel.notifications.length;
    const after = ours.transport.mark();
    await notify();
    await waitUntil(() => sentinel.notifications.length > seen, 20_000, 'the sentinel’s next notification');
    expect(ours.transport.messages('in', onForgotten, after)).toEqual([]);
    return { forgotten, sentinel };
  }

  describe('aiocoap server (aiocoap_peer.py server)', () => {
    let server: PeerProcess;
    let port = 0;
    let peer: Peer;

    beforeAll(async () => {
      port = await freeUdpPort();
      peer = udpPeer('127.0.0.1', port);
      server = PeerProcess.aiocoap(['server', String(port), String(LARGE_SIZE)]);
      await server.waitForEvents((e) => e.event === 'ready');
    });

    afterAll(() => server?.stop());

    it('GETs /large in Block2 blocks and gets it byte for byte', async () => {
      const mark = ours.transport.mark();
      const response = await ours.request(peer, CoapCode.GET, ['large']);
      expect(response.message.code).toBe(CoapCode.Content);
      expect(response.payload.equals(largeBody())).toBe(true);
      expectDownloadedInBlocks(mark, LARGE_SIZE);
    });

    it('PUTs a large body to /sink in Block1 blocks; aiocoap stores it whole and serves it back', async () => {
      const body = randomBytes(5000);
      const mark = ours.transport.mark();
      const put = await ours.request(peer, CoapCode.PUT, ['sink'], body);
      expect(put.message.code).toBe(CoapCode.Changed);
      expectUploadedInBlocks(mark, body.length, '2.04');
      await server.waitForEvents((e) => e.event === 'stored' && e.size === body.length);
      const back = await ours.request(peer, CoapCode.GET, ['sink']);
      expect(back.payload.equals(body)).toBe(true);
    });

    it('observes /obs, gets notifications, and after forget aiocoap drops the observer on our Reset', async () => {
      let notified = 0;
      const notify = async () => {
        server.write('notify');
        await server.waitForEvents((e) => e.event === 'notified', ++notified);
      };
      const observerCount = (n: number) => (e: { event: string; count?: unknown }) =>
        e.event === 'observers' && e.count === n;
      const { sentinel } = await expectForgetResets(port, ['obs'], {
        notify,
        afterReset: async () => {
          // The server saw the Reset: its observation count went back from 2 to 1.
          await server.waitForEvents(observerCount(2));
          await server.waitForEvents(observerCount(1));
        },
      });
      expect(sentinel.notifications.map((b) => b.toString())).toEqual([
        `count ${notified - 2}`,
        `count ${notified - 1}`,
        `count ${notified}`,
      ]);
      await deregister(other, port, ['obs'], sentinel);
      await server.waitForEvents(observerCount(0));
    });
  });

  /** RFC 7641 §3.6: a GET with Observe=1 on the observation's token deregisters; the answer carries no Observe. */
  async function deregister(
    observer: ObserverEndpoint,
    port: number,
    path: string[],
    held: HeldObservation,
  ): Promise<void> {
    const response = await observer.endpoint.request(udpPeer('127.0.0.1', port), {
      code: CoapCode.GET,
      token: held.token,
      options: [uintOption(CoapOption.Observe, 1), ...stringOptions(CoapOption.UriPath, path)],
      timeoutMs: 30_000,
    });
    expect(response.message.code).toBe(CoapCode.Content);
    expect(uintOptionOf(response.message, CoapOption.Observe)).toBeUndefined();
  }

  describe('libcoap coap-server-notls', () => {
    let server: PeerProcess;
    let port = 0;
    let peer: Peer;

    beforeAll(async () => {
      port = await freeUdpPort();
      peer = udpPeer('127.0.0.1', port);
      server = new PeerProcess(LIBCOAP_SERVER, ['-A', '127.0.0.1', '-p', String(port), '-v', '7']);
      await server.waitForLine((l) => l.includes(`created UDP  endpoint 127.0.0.1:${port}`));
    });

    afterAll(() => server?.kill());

    it('PUTs a large body to /example_data in Block1 blocks and GETs it back in Block2 blocks, byte for byte', async () => {
      const body = randomBytes(LARGE_SIZE);
      let mark = ours.transport.mark();
      const put = await ours.request(peer, CoapCode.PUT, ['example_data'], body);
      // libcoap answers its first PUT to /example_data 2.01 Created, later ones 2.04 (RFC 7252 §5.8.3 allows both).
      const final = formatCode(put.message.code);
      expect(['2.01', '2.04']).toContain(final);
      expectUploadedInBlocks(mark, body.length, final);
      mark = ours.transport.mark();
      const back = await ours.request(peer, CoapCode.GET, ['example_data']);
      expect(back.message.code).toBe(CoapCode.Content);
      expect(back.payload.equals(body)).toBe(true);
      expectDownloadedInBlocks(mark, body.length);
    });

    it('observes /example_data (notified on each PUT), and after forget libcoap drops the observer on our Reset', async () => {
      let n = 0;
      const values: string[] = [];
      const notify = async () => {
        values.push(`value ${++n}`);
        const put = await ours.request(peer, CoapCode.PUT, ['example_data'], Buffer.from(values.at(-1)!));
        expect([CoapCode.Created, CoapCode.Changed]).toContain(put.message.code);
      };
      const { sentinel } = await expectForgetResets(port, ['example_data'], { notify });
      expect(sentinel.notifications.map((b) => b.toString())).toEqual(values);
      // Deregistered (RFC 7641 §3.6), the sentinel gets nothing more: a new observer is notified, it is not.
      await deregister(other, port, ['example_data'], sentinel);
      const late = await ours.observe(port, ['example_data']);
      const mark = other.transport.mark();
      await notify();
      await waitUntil(() => late.notifications.length === 1, 20_000, 'the new observer’s notification');
      expect(other.transport.messages('in', sameToken(sentinel.token), mark)).toEqual([]);
      await deregister(ours, port, ['example_data'], late);
    });
  });

  describe('libcoap coap-server-notls -N (NON notifications)', () => {
    let server: PeerProcess;
    let port = 0;

    beforeAll(async () => {
      port = await freeUdpPort();
      server = new PeerProcess(LIBCOAP_SERVER, ['-A', '127.0.0.1', '-p', String(port), '-v', '7', '-N']);
      await server.waitForLine((l) => l.includes(`created UDP  endpoint 127.0.0.1:${port}`));
    });

    afterAll(() => server?.kill());

    it('observes /time (notified every second by libcoap), and after forget libcoap drops the observer on our Reset', async () => {
      // libcoap's clock ticks by itself: `notify` waits for the next tick on the sentinel's observation.
      let sentinelHeld: HeldObservation | undefined;
      const notify = async () => {
        const held = sentinelHeld;
        if (!held) return;
        const seen = held.notifications.length;
        await waitUntil(() => held.notifications.length > seen, 20_000, 'a tick of /time');
      };
      const mark = ours.transport.mark();
      const { forgotten, sentinel } = await expectForgetResets(port, ['time'], {
        notify,
        onSentinel: (held) => (sentinelHeld = held),
        same: false,
      });
      expect(sentinel.notifications.length).toBeGreaterThanOrEqual(3);
      const types = ours.transport.messages('in', sameToken(forgotten.token), mark).map((m) => m.type);
      expect(types).toContain(CoapType.NonConfirmable);
    });
  });

  describe('node-coap server', () => {
    const server = new NodeCoapServer(largeBody());
    let port = 0;
    let peer: Peer;

    beforeAll(async () => {
      port = await freeUdpPort();
      peer = udpPeer('127.0.0.1', port);
      await server.start(port);
    });

    afterAll(() => server.close());

    it('GETs /large in Block2 blocks and gets it byte for byte', async () => {
      const mark = ours.transport.mark();
      const response = await ours.request(peer, CoapCode.GET, ['large']);
      expect(response.payload.equals(largeBody())).toBe(true);
      expectDownloadedInBlocks(mark, LARGE_SIZE);
    });

    it('PUTs a large body to /sink in Block1 blocks and gets it back', async () => {
      const body = randomBytes(5000);
      const mark = ours.transport.mark();
      const put = await ours.request(peer, CoapCode.PUT, ['sink'], body);
      expect(put.message.code).toBe(CoapCode.Changed);
      expectUploadedInBlocks(mark, body.length, '2.04');
      const back = await ours.request(peer, CoapCode.GET, ['sink']);
      expect(back.payload.equals(body)).toBe(true);
    });

    it('observes /obs, gets notifications, and after forget node-coap ends the observer on our Reset', async () => {
      const values: string[] = [];
      const notify = () => {
        values.push(server.notify());
        return Promise.resolve();
      };
      const { sentinel } = await expectForgetResets(port, ['obs'], {
        notify,
        afterReset: () =>
          waitUntil(
            () => server.ended === 1 && server.observers.size === 1,
            20_000,
            'node-coap ending the stream',
          ),
      });
      expect(sentinel.notifications.map((b) => b.toString())).toEqual(values);
    });
  });
});
