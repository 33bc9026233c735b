import { type CoapMessage, CoapOption, uintOptionOf, uriPathOf } from '@smartcity/coap';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type ObserveReadStream } from 'coap';
import { LIBCOAP_CLIENT, PeerProcess, requirePeers, waitUntil } from './coap-peers';
import { type InteropDevice, startInteropDevice } from './interop-device';
import { NodeCoapPeer } from './node-coap-peer';
import { type HeldObservation, ObserverEndpoint } from './observer-endpoint';
import { PlainCoapServer } from './plain-coap-server';
import { answerToNotification, isReset, type RecordingTransport, sameToken } from './recording-transport';

jest.setTimeout(120_000);

/**
 * Observe (RFC 7641) with our server roles as the observed side: each peer registers (GET with Observe=0, §3.1),
 * gets notifications as the resource changes (§4.2), then cancels its own way: libcoap with a GET Observe=1 when
 * its `-s` subscription ends (§3.6, deregistration), aiocoap and node-coap by forgetting the token, so the next
 * notification gets a Reset (§3.6). Afterwards our side holds one observation less and sends that peer nothing:
 * our own observer (the sentinel) receives the next notification, the peer's token none.
 */
describe('peers observe our server roles and cancel', () => {
  const server = new PlainCoapServer();
  const sentinel = new ObserverEndpoint();
  const nodeCoap = new NodeCoapPeer();
  let serverPort = 0;
  let device: InteropDevice;
  const battery = new Lwm2mPath(3, 0, 9);

  beforeAll(async () => {
    await requirePeers();
    server.set('obs', Buffer.from('reading 0'));
    serverPort = await server.start();
    device = await startInteropDevice(serverPort);
    await sentinel.start();
    await nodeCoap.start();
  });

  afterAll(async () => {
    await nodeCoap.close();
    await sentinel.close();
    await device?.client.stop({ deregister: false });
    await server.close();
  });

  /** One observed resource of ours: how to change it and how many observations it has. */
  interface Observed {
    readonly port: number;
    readonly path: readonly string[];
    readonly transport: RecordingTransport;
    /** Changes the value; resolves when our side sent the notifications (the LwM2M client's come from a timer). */
    change(value: number): Promise<void>;
    observations(): number;
  }

  let value = 0;
  const plain = (confirmable: boolean): Observed => ({
    port: serverPort,
    path: ['obs'],
    transport: server.transport,
    change: async (v) => void (await server.change('obs', Buffer.from(`reading ${v}`), confirmable)),
    observations: () => server.observersOf('obs').length,
  });
  const lwm2m = (): Observed => ({
    port: device.port,
    path: ['3', '0', '9'],
    transport: device.transport,
    change: (v) => Promise.resolve(device.tree.set(battery, v)),
    observations: () => device.client.observationCount,
  });
  const payloadOf = (observed: Observed, v: number) =>
    observed.path[0] === 'obs' ? `reading ${v}` : String(v);

  /** The Observe registration the peer sent (the GET with Observe=0 not from our sentinel), once it arrived. */
  async function registrationOf(observed: Observed, since: number): Promise<CoapMessage> {
    const sentinelPort = sentinel.endpoint.localAddress().port;
    let found: CoapMessage | undefined;
    await waitUntil(
      () => {
        found = observed.transport.datagrams
          .slice(since)
          .find(
            (d) =>
              d.direction === 'in' &&
              d.peer.port !== sentinelPort &&
              d.message !== undefined &&
              uintOptionOf(d.message, CoapOption.Observe) === 0 &&
              uriPathOf(d.message).join('/') === observed.path.join('/'),
          )?.message;
        return found !== undefined;
      },
      20_000,
      'the peer’s Observe registration',
    );
    return found!;
  }

  /**
   * After the peer cancelled: a change reaches the sentinel, and not the peer's token. Ends the sentinel's
   * observation so the next test starts from none.
   */
  async function expectNothingMoreFor(
    observed: Observed,
    token: Buffer,
    held: HeldObservation,
  ): Promise<void> {
    const mark = observed.transport.mark();
    const before = held.notifications.length;
    const v = ++value;
    await observed.change(v);
    await waitUntil(() => held.notifications.length > before, 20_000, 'the sentinel’s notification');
    expect(held.notifications.at(-1)?.toString()).toBe(payloadOf(observed, v));
    expect(observed.transport.messages('out', sameToken(token), mark)).toEqual([]);
    sentinel.forget(observed.port, held);
    // The sentinel's own cancel (RST, §3.6) also shows our side drops an observation on a Reset.
    await observed.change(++value);
    await waitUntil(() => observed.observations() === 0, 20_000, 'no observation left');
  }

  describe.each([
    ['our CoapEndpoint server /obs (CON notifications)', () => plain(true)],
    ['the LwM2M client /3/0/9 (CON notifications)', () => lwm2m()],
  ])('%s', (_name, target) => {
    it('libcoap coap-client-notls -s observes, gets the notifications and deregisters with Observe=1', async () => {
      const observed = target();
      const held = await sentinel.observe(observed.port, observed.path);
      const mark = observed.transport.mark();
      const peer = new PeerProcess(LIBCOAP_CLIENT, [
        '-v',
        '6',
        '-B',
        '30',
        '-s',
        '6',
        `coap://127.0.0.1:${observed.port}/${observed.path.join('/')}`,
      ]);
      try {
        const registration = await registrationOf(observed, mark);
        await waitUntil(() => observed.observations() === 2, 20_000, 'two observations');
        for (const v of [++value, ++value]) {
          await observed.change(v);
          await peer.waitForLine(
            (l) => l.includes(`:: '${payloadOf(observed, v)}'`),
            20_000,
            `notification ${v}`,
          );
        }
        // libcoap ends its subscription with a GET Observe=1 on the same token (RFC 7641 §3.6).
        expect(await peer.exited).toBe(0);
        const cancel = observed.transport.messages(
          'in',
          (m) => sameToken(registration.token)(m) && uintOptionOf(m, CoapOption.Observe) === 1,
          mark,
        );
        expect(cancel).toHaveLength(1);
        expect(observed.observations()).toBe(1);
        await expectNothingMoreFor(observed, registration.token, held);
      } finally {
        await peer.kill();
      }
    });

    it('aiocoap observes, gets the notifications, cancels, and Resets the next one', async () => {
      const observed = target();
      const held = await sentinel.observe(observed.port, observed.path);
      const mark = observed.transport.mark();
      const peer = PeerProcess.aiocoap([
        'observe',
        `coap://127.0.0.1:${observed.port}/${observed.path.join('/')}`,
        '2',
      ]);
      try {
        const registration = await registrationOf(observed, mark);
        await peer.waitForEvents((e) => e.event === 'response');
        const sent: string[] = [];
        for (const v of [++value, ++value]) {
          await observed.change(v);
          sent.push(Buffer.from(payloadOf(observed, v)).toString('hex'));
          await peer.waitForEvents((e) => e.event === 'notification', sent.length);
        }
        expect(peer.events.filter((e) => e.event === 'notification').map((e) => e.payload)).toEqual(sent);
        await peer.waitForEvents((e) => e.event === 'cancelled');
        // aiocoap drops the token lazily: the first notification after the cancel may still be acknowledged,
        // a later one is Reset. Our side then holds only the sentinel's observation.
        const answers: string[] = [];
        while (answers.length < 3 && answers.at(-1) !== 'RST')
          answers.push(
            await answerToNotification(observed.transport, registration.token, () =>
              observed.change(++value),
            ),
          );
        expect(answers.at(-1)).toBe('RST');
        expect(answers.length).toBeLessThanOrEqual(2);
        await waitUntil(
          () => observed.observations() === 1,
          20_000,
          'the observation dropped after the Reset',
        );
        await expectNothingMoreFor(observed, registration.token, held);
      } finally {
        await peer.stop();
      }
    });
  });

  it.each([
    ['our CoapEndpoint server /obs (NON notifications)', () => plain(false)],
    ['the LwM2M client /3/0/9 (CON notifications)', () => lwm2m()],
  ])(
    'node-coap observes %s, gets the notifications, closes the stream and Resets the next one',
    async (_n, target) => {
      const observed = target();
      const held = await sentinel.observe(observed.port, observed.path);
      const mark = observed.transport.mark();
      const stream: ObserveReadStream = await nodeCoap.observe({
        port: observed.port,
        pathname: '/' + observed.path.join('/'),
      });
      const received: string[] = [];
      stream.on('data', (chunk: Buffer) => received.push(chunk.toString()));
      const registration = await registrationOf(observed, mark);
      const expected: string[] = [];
      for (const v of [++value, ++value]) {
        await observed.change(v);
        expected.push(payloadOf(observed, v));
        await waitUntil(() => received.length === expected.length + 1, 20_000, `notification ${v}`);
      }
      expect(received.slice(1)).toEqual(expected);
      // close() without eager deregistration: node-coap forgets the token and Resets the next notification.
      stream.close();
      await observed.change(++value);
      await waitUntil(() => observed.observations() === 1, 20_000, 'the observation dropped after the Reset');
      const resets = observed.transport.messages('in', isReset, mark);
      expect(resets).toHaveLength(1);
      const notified = observed.transport.messages('out', sameToken(registration.token), mark);
      expect(notified.at(-1)?.messageId).toBe(resets[0]!.messageId);
      expect(received.length).toBe(expected.length + 1); // node-coap delivered nothing after close()
      await expectNothingMoreFor(observed, registration.token, held);
    },
  );
});
