import { generate, parse } from 'coap-packet';
import { MemoryNetwork } from '../testing/memory-network';
import { CoapEndpoint, CoapTransportError } from './coap-endpoint';
import { DEFAULT_COAP_TIMING, maxTransmitSpanMs, maxTransmitWaitMs } from './coap-timing';
import { type IncomingRequest } from './coap-types';

const SERVER = { address: '127.0.0.1', port: 5683 };

function setup(random = () => 0) {
  const net = new MemoryNetwork();
  const client = new CoapEndpoint({ socket: net.open(), random });
  const serverSocket = net.open(SERVER.port);
  return { net, client, serverSocket };
}

describe('CoapEndpoint', () => {
  afterEach(() => jest.useRealTimers());

  it('derives the RFC 7252 §4.8.2 times from the default parameters', () => {
    expect(maxTransmitSpanMs(DEFAULT_COAP_TIMING)).toBe(45_000);
    expect(maxTransmitWaitMs(DEFAULT_COAP_TIMING)).toBe(93_000);
  });

  it('retransmits a CON request with doubling timeouts and gives up after MAX_RETRANSMIT', async () => {
    jest.useFakeTimers();
    const { net, client } = setup(() => 0.5); // initial timeout 2 s * (1 + 0.5 * 0.5) = 2.5 s
    const result = client.request(SERVER, { method: '0.02', uriPath: ['rd'] }).catch((e: unknown) => e);
    const sentAt: number[] = [];
    const start = Date.now();
    net.drop = () => {
      sentAt.push(Date.now() - start);
      return true;
    };
    // the first send happened synchronously before the hook: count it at 0
    sentAt.push(0);
    await jest.advanceTimersByTimeAsync(100_000);
    const error = await result;
    expect(error).toBeInstanceOf(CoapTransportError);
    expect((error as CoapTransportError).code).toBe('timeout');
    expect(sentAt).toEqual([0, 2500, 7500, 17500, 37500]);
    const ids = new Set(net.log.map((l) => parse(l.datagram).messageId));
    expect(ids.size).toBe(1); // retransmissions reuse the Message ID (§4.2)
  });

  it('resolves with a piggybacked response matched by token', async () => {
    const { client, serverSocket } = setup();
    serverSocket.onMessage((d, from) => {
      const req = parse(d);
      expect(req.confirmable).toBe(true);
      serverSocket.send(
        generate({
          ack: true,
          messageId: req.messageId,
          token: req.token,
          code: '2.01',
          options: [
            { name: 'Location-Path', value: Buffer.from('rd') },
            { name: 'Location-Path', value: Buffer.from('a1') },
          ],
        }),
        from,
      );
    });
    const response = await client.request(SERVER, { method: '0.02', uriPath: ['rd'], uriQuery: ['ep=x'] });
    expect(response.code).toBe('2.01');
    expect(response.locationPath).toEqual(['rd', 'a1']);
  });

  it('acknowledges a separate CON response after an empty ACK', async () => {
    const { net, client, serverSocket } = setup();
    serverSocket.onMessage((d, from) => {
      const req = parse(d);
      if (req.code !== '0.02') return;
      serverSocket.send(generate({ ack: true, messageId: req.messageId, code: '0.00' }), from);
      setTimeout(() => {
        serverSocket.send(
          generate({ confirmable: true, messageId: 999, token: req.token, code: '2.04' }),
          from,
        );
      }, 5);
    });
    const response = await client.request(SERVER, { method: '0.02', uriPath: ['dp'] });
    expect(response.code).toBe('2.04');
    await new Promise((r) => setTimeout(r, 5));
    const ack = net.log.map((l) => parse(l.datagram)).find((p) => p.ack && p.messageId === 999);
    expect(ack?.code).toBe('0.00');
  });

  it('processes a duplicated CON request once and replays the cached response', async () => {
    const net = new MemoryNetwork();
    const handled: IncomingRequest[] = [];
    const client = new CoapEndpoint({
      socket: net.open(),
      onRequest: (req) => {
        handled.push(req);
        return { code: '2.05', contentFormat: 0, payload: Buffer.from(String(handled.length)) };
      },
    });
    const serverSocket = net.open(SERVER.port);
    const replies: Array<{ ack: boolean; messageId: number; payload: string }> = [];
    serverSocket.onMessage((d) => {
      const p = parse(d);
      replies.push({ ack: p.ack, messageId: p.messageId, payload: p.payload.toString() });
    });
    const request = generate({
      confirmable: true,
      messageId: 4321,
      token: Buffer.from('0102', 'hex'),
      code: '0.01',
      options: ['3', '0', '9'].map((s) => ({ name: 'Uri-Path', value: Buffer.from(s) })),
    });
    const to = { address: '127.0.0.1', port: client.localPort };
    serverSocket.send(request, to);
    await new Promise((r) => setTimeout(r, 5));
    serverSocket.send(request, to); // the server's retransmission, its ACK having been lost
    await new Promise((r) => setTimeout(r, 5));
    expect(handled).toHaveLength(1);
    expect(handled[0]?.uriPath).toEqual(['3', '0', '9']);
    expect(replies).toEqual([
      { ack: true, messageId: 4321, payload: '1' },
      { ack: true, messageId: 4321, payload: '1' },
    ]);
  });

  it('answers a CoAP ping (empty CON) with RST', async () => {
    const { net, client, serverSocket } = setup();
    serverSocket.send(generate({ confirmable: true, messageId: 77, code: '0.00' }), {
      address: '127.0.0.1',
      port: client.localPort,
    });
    await new Promise((r) => setTimeout(r, 5));
    const rst = net.log.map((l) => parse(l.datagram)).find((p) => p.reset);
    expect(rst?.messageId).toBe(77);
  });

  it.each([
    ['ACK', 'acked', { ack: true }],
    ['RST', 'reset', { reset: true }],
  ])('reports a CON notification answered with %s as %s', async (_name, outcome, flags) => {
    const { client, serverSocket } = setup();
    serverSocket.onMessage((d, from) => {
      const n = parse(d);
      serverSocket.send(generate({ ...flags, messageId: n.messageId, code: '0.00' }), from);
    });
    const result = await client.notify(
      SERVER,
      Buffer.from('abcd', 'hex'),
      { code: '2.05', observe: 3 },
      true,
    );
    expect(result).toBe(outcome);
  });

  it('reports a RST to a NON notification as a cancelled observation', async () => {
    const net = new MemoryNetwork();
    const resets: string[] = [];
    const client = new CoapEndpoint({
      socket: net.open(),
      onNotificationReset: (_peer, token) => resets.push(token.toString('hex')),
    });
    const serverSocket = net.open(SERVER.port);
    serverSocket.onMessage((d, from) => {
      serverSocket.send(generate({ reset: true, messageId: parse(d).messageId, code: '0.00' }), from);
    });
    expect(await client.notify(SERVER, Buffer.from('beef', 'hex'), { code: '2.05', observe: 4 }, false)).toBe(
      'sent',
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(resets).toEqual(['beef']);
  });
});
