import { createLogger } from '@smartcity/platform-observability';
import { type DatagramTransport, type Peer, peerOf } from '../transport/datagram-transport';
import { parseCoapMessage, serializeCoapMessage } from './coap-codec';
import { CoapEndpoint, type CoapExchange } from './coap-endpoint';
import { type CoapMessage, CoapCode, CoapOption, CoapType, encodeUint } from './coap-message';

/** An in-memory transport: the test injects datagrams and reads what the endpoint sent. */
class MemoryTransport implements DatagramTransport {
  readonly scheme = 'coap' as const;
  readonly sent: { data: Buffer; peer: Peer }[] = [];
  private handler: ((data: Buffer, peer: Peer) => void) | undefined;
  async start(onDatagram: (data: Buffer, peer: Peer) => void): Promise<void> {
    this.handler = onDatagram;
  }
  send(data: Buffer, peer: Peer): void {
    this.sent.push({ data, peer });
  }
  localAddress() {
    return { address: '127.0.0.1', port: 5683 };
  }
  async close(): Promise<void> {}
  inject(message: CoapMessage, peer: Peer): void {
    this.handler?.(serializeCoapMessage(message), peer);
  }
  last(): CoapMessage {
    return parseCoapMessage(this.sent[this.sent.length - 1]!.data);
  }
}

const peer = peerOf('10.0.0.1', 40000);
const logger = createLogger({ app: 'test', level: 'silent' });

async function setup(verified = false) {
  const transport = new MemoryTransport();
  const endpoint = new CoapEndpoint(transport, { logger, isVerifiedPeer: () => verified });
  const exchanges: CoapExchange[] = [];
  await endpoint.start((e) => exchanges.push(e));
  return { transport, endpoint, exchanges };
}

const request = (messageId: number, payload = ''): CoapMessage => ({
  type: CoapType.Confirmable,
  code: CoapCode.POST,
  messageId,
  token: Buffer.from([1, 2]),
  options: [{ number: CoapOption.UriPath, value: Buffer.from('dp') }],
  payload: Buffer.from(payload),
});

describe('CoapEndpoint', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a CON request with a piggybacked ACK carrying the token', async () => {
    const { transport, exchanges } = await setup();
    transport.inject(request(7), peer);
    exchanges[0]!.respond(CoapCode.Changed);
    expect(transport.last()).toMatchObject({
      type: CoapType.Acknowledgement,
      code: CoapCode.Changed,
      messageId: 7,
    });
    expect(transport.last().token).toEqual(Buffer.from([1, 2]));
  });

  it('hands a duplicate to the application once and replays the cached answer', async () => {
    const { transport, exchanges } = await setup();
    transport.inject(request(8), peer);
    transport.inject(request(8), peer); // still in progress: dropped
    exchanges[0]!.respond(CoapCode.Changed);
    transport.inject(request(8), peer); // answered: replayed
    expect(exchanges).toHaveLength(1);
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[1]!.data.equals(transport.sent[0]!.data)).toBe(true);
  });

  it('keeps answers to unverified peers within 3x the request size by dropping the diagnostic payload', async () => {
    const { transport, exchanges } = await setup(false);
    transport.inject(request(9), peer);
    exchanges[0]!.respond(CoapCode.BadRequest, [], Buffer.alloc(200, 0x61));
    expect(transport.last().payload.length).toBe(0);
    const verified = await setup(true);
    verified.transport.inject(request(9), peer);
    verified.exchanges[0]!.respond(CoapCode.BadRequest, [], Buffer.alloc(200, 0x61));
    expect(verified.transport.last().payload.length).toBe(200);
  });

  it('retransmits a CON request with exponential back-off and gives up after MAX_RETRANSMIT (RFC 7252 §4.2)', async () => {
    jest.useFakeTimers();
    const { transport, endpoint } = await setup();
    const result = endpoint.request(peer, {
      code: CoapCode.GET,
      options: [{ number: CoapOption.UriPath, value: Buffer.from('3') }],
    });
    const settled = result.catch((e: Error) => e);
    expect(transport.sent).toHaveLength(1);
    jest.advanceTimersByTime(3000); // first timeout in [2, 3] s
    expect(transport.sent).toHaveLength(2);
    jest.advanceTimersByTime(6000);
    expect(transport.sent).toHaveLength(3);
    jest.advanceTimersByTime(12_000 + 24_000 + 48_000);
    expect(transport.sent).toHaveLength(5); // 1 + MAX_RETRANSMIT (4)
    expect(await settled).toMatchObject({ reason: 'timeout' });
    expect(new Set(transport.sent.map((s) => s.data.toString('hex'))).size).toBe(1); // same message id and token
  });

  it('resolves a request on a piggybacked response and routes later notifications to the listener', async () => {
    const { transport, endpoint } = await setup();
    const notifications: CoapMessage[] = [];
    const pending = endpoint.request(peer, {
      code: CoapCode.GET,
      options: [{ number: CoapOption.Observe, value: encodeUint(0) }],
      onNotification: async (m) => {
        notifications.push(m);
        return true;
      },
    });
    const sent = parseCoapMessage(transport.sent[0]!.data);
    const observe = [{ number: CoapOption.Observe, value: encodeUint(5) }];
    transport.inject(
      {
        type: CoapType.Acknowledgement,
        code: CoapCode.Content,
        messageId: sent.messageId,
        token: sent.token,
        options: observe,
        payload: Buffer.from('1'),
      },
      peer,
    );
    await expect(pending).resolves.toMatchObject({ message: { code: CoapCode.Content } });
    transport.inject(
      {
        type: CoapType.Confirmable,
        code: CoapCode.Content,
        messageId: 900,
        token: sent.token,
        options: observe,
        payload: Buffer.from('2'),
      },
      peer,
    );
    await new Promise((r) => setImmediate(r));
    expect(notifications.map((n) => n.payload.toString())).toEqual(['2']);
    expect(transport.last()).toMatchObject({ type: CoapType.Acknowledgement, code: 0, messageId: 900 });
    transport.inject(
      {
        type: CoapType.Confirmable,
        code: CoapCode.Content,
        messageId: 901,
        token: Buffer.from('unknown'),
        options: observe,
        payload: Buffer.from('3'),
      },
      peer,
    );
    expect(transport.last()).toMatchObject({ type: CoapType.Reset, messageId: 901 });
  });

  it('answers new requests with 5.03 and Max-Age while draining, after the in-flight ones completed', async () => {
    const { transport, endpoint, exchanges } = await setup();
    transport.inject(request(20), peer);
    const drained = endpoint.drain(1000);
    transport.inject(request(21), peer);
    expect(transport.last()).toMatchObject({ code: CoapCode.ServiceUnavailable, messageId: 21 });
    exchanges[0]!.respond(CoapCode.Changed);
    await drained;
    expect(endpoint.inFlightExchanges).toBe(0);
  });
});
