import { serializeCoapMessage } from '../message/coap-codec';
import { CoapCode, CoapOption, CoapType, getOption, uintOption, uintOptionOf } from '../message/coap-message';
import { EndpointPair } from '../testing/endpoint-pair';
import { flushMicrotasks } from '../time/fake-clock';
import { udpPeer } from '../transport/peer';
import { CoapRequestError, type CoapExchange } from './exchange-types';

const path = (...segments: string[]) =>
  segments.map((s) => ({ number: CoapOption.UriPath, value: Buffer.from(s) }));

describe('CoapEndpoint: requests and responses', () => {
  it('answers a CON request with a piggybacked response in the ACK (RFC 7252 §5.2.1)', async () => {
    const pair = new EndpointPair();
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Content, [], Buffer.from('hello')));
    await pair.start();
    const response = await pair.client.request(pair.serverPeer, { code: CoapCode.GET, options: path('a') });
    expect(response.message.type).toBe(CoapType.Acknowledgement);
    expect(response.message.code).toBe(CoapCode.Content);
    expect(response.payload.toString()).toBe('hello');
  });

  it('retransmits a CON with exponential back-off and gives up after MAX_RETRANSMIT (§4.2, §4.8)', async () => {
    const pair = new EndpointPair();
    await pair.start();
    pair.network.drop = (r) => r.from === pair.clientPort;
    const result = pair.client
      .request(pair.serverPeer, { code: CoapCode.GET, options: path('a') })
      .catch((e) => e);
    const sentAt: number[] = [];
    const start = pair.clock.now();
    for (let t = 0; t <= 70_000; t += 500) {
      const before = pair.network.log.length;
      pair.clock.advance(t === 0 ? 0 : 500);
      await flushMicrotasks();
      if (pair.network.log.length > before || t === 0) sentAt.push(pair.clock.now() - start);
    }
    // random() = 0: initial timeout ACK_TIMEOUT (2 s), then 4, 8, 16 s; the last wait ends at 62 s.
    expect(pair.network.log.map((r) => r.from)).toEqual(Array(5).fill(pair.clientPort));
    expect(sentAt).toEqual([0, 2000, 6000, 14000, 30000]);
    const err = await result;
    expect(err).toBeInstanceOf(CoapRequestError);
    expect((err as CoapRequestError).reason).toBe('timeout');
  });

  it('answers a duplicate with the same response and processes it once (§4.5)', async () => {
    const pair = new EndpointPair();
    let calls = 0;
    pair.server.setRequestHandler((ex) => {
      calls++;
      ex.respond(CoapCode.Changed);
    });
    await pair.start();
    let dropped = false;
    // Lose the first ACK: the client retransmits the same message id.
    pair.network.drop = (r) => !dropped && r.from === pair.serverPort && (dropped = true);
    const response = pair.client.request(pair.serverPeer, { code: CoapCode.POST, options: path('dp') });
    await flushMicrotasks();
    pair.clock.advance(2000);
    await flushMicrotasks();
    expect((await response).message.code).toBe(CoapCode.Changed);
    expect(calls).toBe(1);
    const acks = pair.sentBy(pair.serverPort);
    expect(acks).toHaveLength(2);
    expect(acks[0]!.messageId).toBe(acks[1]!.messageId);
  });

  it('takes a separate response after an empty ACK and acknowledges it (§5.2.2)', async () => {
    const pair = new EndpointPair();
    await pair.start();
    const network = pair.network;
    // A hand-written server: empty ACK now, CON 2.05 later.
    await pair.server.close();
    const raw = network.transport(6000);
    const seen: Buffer[] = [];
    await raw.start((d) => seen.push(d));
    const response = pair.client.request(udpPeer('127.0.0.1', 6000), {
      code: CoapCode.GET,
      options: path('x'),
    });
    await flushMicrotasks();
    const { parseCoapMessage } = await import('../message/coap-codec');
    const request = parseCoapMessage(seen[0]!);
    raw.send(Buffer.from([0x60, 0, request.messageId >> 8, request.messageId & 0xff]), pair.clientPeer);
    await flushMicrotasks();
    pair.clock.advance(10_000); // no retransmission after the empty ACK
    await flushMicrotasks();
    expect(seen).toHaveLength(1);
    raw.send(
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.Content,
        messageId: 0x7777,
        token: request.token,
        options: [],
        payload: Buffer.from('late'),
      }),
      pair.clientPeer,
    );
    expect((await response).payload.toString()).toBe('late');
    await flushMicrotasks();
    const ack = parseCoapMessage(seen[1]!);
    expect([ack.type, ack.code, ack.messageId]).toEqual([CoapType.Acknowledgement, 0, 0x7777]);
  });

  it('matches responses by peer and token: the right token from another peer gets a Reset (§5.3.2)', async () => {
    const pair = new EndpointPair();
    await pair.server.close();
    await pair.client.start();
    const server = pair.network.transport(6001);
    const intruder = pair.network.transport(6002);
    const atServer: Buffer[] = [];
    const atIntruder: Buffer[] = [];
    await server.start((d) => atServer.push(d));
    await intruder.start((d) => atIntruder.push(d));
    const response = pair.client.request(udpPeer('127.0.0.1', 6001), {
      code: CoapCode.GET,
      options: path('x'),
    });
    let settled = false;
    void response.then(() => (settled = true));
    await flushMicrotasks();
    const { parseCoapMessage } = await import('../message/coap-codec');
    const request = parseCoapMessage(atServer[0]!);
    const spoof = (mid: number) =>
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.Content,
        messageId: mid,
        token: request.token,
        options: [],
        payload: Buffer.from('spoof'),
      });
    intruder.send(spoof(1), pair.clientPeer);
    // An ACK with the request's message id from another peer is ignored too.
    intruder.send(
      Buffer.from([0x60, 0x45, request.messageId >> 8, request.messageId & 0xff]),
      pair.clientPeer,
    );
    await flushMicrotasks();
    expect(settled).toBe(false);
    expect(parseCoapMessage(atIntruder[0]!).type).toBe(CoapType.Reset);
    server.send(spoof(2), pair.clientPeer);
    expect((await response).payload.toString()).toBe('spoof');
  });

  it('rejects a request answered with a Reset', async () => {
    const pair = new EndpointPair();
    await pair.server.close();
    await pair.client.start();
    const raw = pair.network.transport(6003);
    await raw.start((d) => raw.send(Buffer.from([0x70, 0, d[2]!, d[3]!]), pair.clientPeer));
    const err = await pair.client.request(udpPeer('127.0.0.1', 6003), { code: CoapCode.GET }).catch((e) => e);
    expect((err as CoapRequestError).reason).toBe('reset');
  });

  it('sends NON requests once and answers NON requests with NON responses (§5.2.3)', async () => {
    const pair = new EndpointPair();
    pair.server.setRequestHandler((ex) => ex.respond(CoapCode.Content, [], Buffer.from('n')));
    await pair.start();
    const response = await pair.client.request(pair.serverPeer, { code: CoapCode.GET, confirmable: false });
    expect(response.message.type).toBe(CoapType.NonConfirmable);
    expect(response.payload.toString()).toBe('n');
  });
});

describe('CoapEndpoint: server policies', () => {
  async function serverWithRaw(options: ConstructorParameters<typeof EndpointPair>[0] = {}) {
    const pair = new EndpointPair(options);
    const handled: CoapExchange[] = [];
    pair.server.setRequestHandler((ex) => {
      handled.push(ex);
      ex.respond(CoapCode.Content, [], Buffer.alloc(200, 0x61));
    });
    await pair.server.start();
    const raw = pair.network.transport(7000);
    const received: Buffer[] = [];
    await raw.start((d) => received.push(d));
    const { parseCoapMessage } = await import('../message/coap-codec');
    const send = async (bytes: Buffer) => {
      raw.send(bytes, pair.serverPeer);
      await flushMicrotasks();
    };
    return { pair, handled, received: () => received.map((d) => parseCoapMessage(d)), send };
  }

  it.each([
    ['a malformed CON is rejected with a Reset (§4.2)', '41 01 0102 aa f0', [CoapType.Reset]],
    ['a malformed NON is ignored (§4.3)', '51 01 0102 aa f0', []],
    ['a ping (empty CON) gets a Reset (§4.3)', '40 00 0102', [CoapType.Reset]],
    ['an empty NON is ignored', '50 00 0102', []],
    ['an unmatched ACK is ignored', '60 00 0102', []],
    ['an unmatched RST is ignored', '70 00 0102', []],
    ['a CON with a reserved code class (1.xx) gets a Reset', '40 21 0102', [CoapType.Reset]],
  ])('%s', async (_name, wire, types) => {
    const { received, send } = await serverWithRaw();
    await send(Buffer.from(wire.replace(/\s+/g, ''), 'hex'));
    expect(received().map((m) => m.type)).toEqual(types);
  });

  it('answers an unknown critical option with 4.02 and Proxy-Uri with 5.05 (§5.4.1, §5.7.2)', async () => {
    const { received, send, handled } = await serverWithRaw();
    const request = (number: number, mid: number) =>
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.GET,
        messageId: mid,
        token: Buffer.of(1),
        options: [{ number, value: Buffer.from('x') }],
        payload: Buffer.alloc(0),
      });
    await send(request(9, 1)); // OSCORE: critical, not understood
    await send(request(CoapOption.ProxyUri, 2));
    await send(request(2002, 3)); // unknown elective (even): ignored, request handled
    expect(received().map((m) => m.code)).toEqual([
      CoapCode.BadOption,
      CoapCode.ProxyingNotSupported,
      CoapCode.Content,
    ]);
    expect(handled).toHaveLength(1);
  });

  it('never sends more than 3x the request size to an unverified peer (§11.3)', async () => {
    const { received, send } = await serverWithRaw({ isVerifiedPeer: () => false });
    await send(
      serializeCoapMessage({
        type: CoapType.Confirmable,
        code: CoapCode.GET,
        messageId: 5,
        token: Buffer.alloc(0),
        options: [],
        payload: Buffer.alloc(0),
      }),
    );
    const [answer] = received();
    expect(answer!.code).toBe(CoapCode.Content);
    expect(answer!.payload.length).toBe(0);
  });

  it('answers 5.03 with Max-Age while draining and resolves the drain once in-flight requests are answered', async () => {
    const pair = new EndpointPair({ drainRetryAfterS: 7 });
    let pending: CoapExchange | undefined;
    pair.server.setRequestHandler((ex) => (pending = ex));
    await pair.start();
    const first = pair.client.request(pair.serverPeer, { code: CoapCode.GET });
    await flushMicrotasks();
    let drained = false;
    void pair.server.drain(60_000).then(() => (drained = true));
    const second = await pair.client.request(pair.serverPeer, { code: CoapCode.GET });
    expect(second.message.code).toBe(CoapCode.ServiceUnavailable);
    expect(uintOptionOf(second.message, CoapOption.MaxAge)).toBe(7);
    expect(drained).toBe(false);
    pending!.respond(CoapCode.Content);
    await first;
    await flushMicrotasks();
    expect(drained).toBe(true);
  });
});

describe('CoapEndpoint: Observe (RFC 7641)', () => {
  async function observed() {
    const pair = new EndpointPair();
    let observeToken: Buffer | undefined;
    pair.server.setRequestHandler((ex) => {
      if (uintOptionOf(ex.request, CoapOption.Observe) === 0) observeToken = ex.request.token;
      ex.respond(CoapCode.Content, [uintOption(CoapOption.Observe, 1)], Buffer.from('v1'));
    });
    await pair.start();
    const notifications: { payload: string; fresh: boolean }[] = [];
    let store: boolean | 'reject' = true;
    const first = await pair.client.request(pair.serverPeer, {
      code: CoapCode.GET,
      options: [uintOption(CoapOption.Observe, 0), ...path('3', '0')],
      onNotification: async (n) => {
        notifications.push({ payload: n.payload.toString(), fresh: n.fresh });
        return store;
      },
    });
    const notify = (seq: number, body: string, confirmable = true) =>
      pair.server.notify(
        pair.clientPeer,
        observeToken!,
        {
          code: CoapCode.Content,
          options: [uintOption(CoapOption.Observe, seq)],
          payload: Buffer.from(body),
        },
        confirmable,
      );
    return {
      pair,
      first,
      notifications,
      notify,
      setStore: (v: boolean | 'reject') => (store = v),
      token: () => observeToken!,
    };
  }

  it('delivers notifications on the observation token and acknowledges CON ones', async () => {
    const { first, notifications, notify } = await observed();
    expect(first.payload.toString()).toBe('v1');
    expect(await notify(2, 'v2')).toBe('acked');
    expect(await notify(3, 'v3', false)).toBe('sent');
    await flushMicrotasks();
    expect(notifications).toEqual([
      { payload: 'v2', fresh: true },
      { payload: 'v3', fresh: true },
    ]);
  });

  it('marks a reordered (older) notification as not fresh (§3.4)', async () => {
    const { notifications, notify } = await observed();
    await notify(10, 'new');
    await notify(9, 'old');
    expect(notifications.map((n) => n.fresh)).toEqual([true, false]);
  });

  it('acknowledges a CON notification only once the listener stored it; a retransmission is processed again', async () => {
    const { pair, notifications, notify, setStore } = await observed();
    setStore(false);
    const outcome = notify(2, 'v2');
    await flushMicrotasks();
    expect(notifications).toHaveLength(1);
    setStore(true);
    pair.clock.advance(2000); // the server retransmits the unacknowledged notification
    await flushMicrotasks();
    expect(await outcome).toBe('acked');
    expect(notifications.map((n) => n.payload)).toEqual(['v2', 'v2']);
  });

  it('answers a notification the listener rejects with a Reset and ends the observation (§3.6)', async () => {
    const { pair, notifications, notify, setStore } = await observed();
    setStore('reject');
    expect(await notify(2, 'garbage')).toBe('reset');
    setStore(true);
    expect(await notify(3, 'v3')).toBe('reset'); // the observation is gone
    expect(notifications.map((n) => n.payload)).toEqual(['garbage']);
    expect(pair.client.pendingRequests).toBe(0);
  });

  it('answers a notification with a Reset after forget, which the notifier reports (§3.6)', async () => {
    const { pair, notify, token } = await observed();
    pair.client.forget(pair.serverPeer, token());
    expect(await notify(2, 'v2')).toBe('reset');
  });

  it('reports a Reset to a NON notification', async () => {
    const resets: string[] = [];
    const pair = new EndpointPair({ onNotificationReset: (_p, t) => resets.push(t.toString('hex')) });
    await pair.start();
    await pair.server.notify(
      pair.clientPeer,
      Buffer.from('abcd', 'hex'),
      { code: CoapCode.Content, options: [uintOption(CoapOption.Observe, 5)], payload: Buffer.from('x') },
      false,
    );
    await flushMicrotasks();
    expect(resets).toEqual(['abcd']);
  });

  it('ends the observation on a notification with an error code (§3.2)', async () => {
    const { pair, notifications, token } = await observed();
    await pair.server.notify(
      pair.clientPeer,
      token(),
      { code: CoapCode.NotFound, options: [], payload: Buffer.alloc(0) },
      true,
    );
    expect(notifications).toHaveLength(1);
    expect(
      await pair.server.notify(
        pair.clientPeer,
        token(),
        { code: CoapCode.Content, options: [uintOption(CoapOption.Observe, 9)], payload: Buffer.alloc(0) },
        true,
      ),
    ).toBe('reset');
  });

  it('cancels with a GET Observe=1 on the same token', async () => {
    const { pair, token } = await observed();
    const cancel = await pair.client.request(pair.serverPeer, {
      code: CoapCode.GET,
      token: token(),
      options: [uintOption(CoapOption.Observe, 1), ...path('3', '0')],
    });
    expect(getOption(cancel.message, CoapOption.Observe)).toBeDefined();
  });
});
