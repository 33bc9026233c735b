import {
  type CoapMessage,
  type CoapOptionValue,
  CoapEndpoint,
  CoapOption,
  CoapType,
  type DatagramListener,
  parseCoapMessage,
  type Peer,
  serializeCoapMessage,
  stringOptions,
  UdpTransport,
  udpPeer,
  uintOption,
} from '@smartcity/coap';

export interface DeviceRequest {
  readonly code: number;
  readonly path: string[];
  readonly query?: string[];
  readonly payload?: Buffer | string;
  readonly contentFormat?: number;
  /** Set either to send this exact datagram (no retransmission), for message-layer tests. */
  readonly type?: CoapType;
  readonly messageId?: number;
}

/** A UDP transport that also hands every received datagram to a tap (the raw view of the wire). */
class TappedUdpTransport extends UdpTransport {
  constructor(private readonly tap: (data: Buffer) => void) {
    super({ host: '127.0.0.1' });
  }

  override start(onDatagram: DatagramListener): Promise<void> {
    return super.start((data, peer) => {
      this.tap(data);
      onDatagram(data, peer);
    });
  }
}

/**
 * A device for tests: the project's CoAP endpoint on its own UDP socket (a fixed source port, like a NAT
 * binding), answering the server's requests through `onRequest`, plus a raw view of the wire for
 * message-layer tests (exact datagrams out, every datagram in).
 */
export class TestDevice {
  private readonly transport: TappedUdpTransport;
  private readonly endpoint: CoapEndpoint;
  private server: Peer;
  private nextMid = Math.floor(Math.random() * 60000);
  private readonly waiting = new Map<number, (m: CoapMessage) => void>();
  readonly received: CoapMessage[] = [];
  /** Answers a request from the server; default 4.04. */
  onRequest: (m: CoapMessage) => { code: number; options?: CoapOptionValue[]; payload?: Buffer } = () => ({
    code: 0x84,
  });

  constructor(serverPort: number, serverHost = '127.0.0.1') {
    this.server = udpPeer(serverHost, serverPort);
    this.transport = new TappedUdpTransport((data) => this.onDatagram(data));
    this.endpoint = new CoapEndpoint({ transport: this.transport });
  }

  async open(): Promise<void> {
    await this.endpoint.start((exchange) => {
      const answer = this.onRequest(exchange.request);
      exchange.respond(answer.code, answer.options ?? [], answer.payload);
    });
  }

  /**
   * Talks to another server from the same socket: what a load balancer does when it moves a device to another
   * instance (the device's address stays the same).
   */
  useServer(port: number, host = '127.0.0.1'): void {
    this.server = udpPeer(host, port);
  }

  get port(): number {
    return this.transport.localAddress().port;
  }

  close(): void {
    void this.endpoint.close();
  }

  sendRaw(bytes: Buffer): void {
    this.transport.send(bytes, this.server);
  }

  /** Waits for the next ACK or RST with `messageId`, or resolves undefined after the timeout. */
  waitFor(messageId: number, timeoutMs = 3000): Promise<CoapMessage | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(messageId);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(messageId, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  /** A request through the CoAP endpoint (retransmitted, matched by token), or one exact datagram. */
  async request(req: DeviceRequest, timeoutMs = 4000): Promise<CoapMessage> {
    const options: CoapOptionValue[] = [
      ...stringOptions(CoapOption.UriPath, req.path),
      ...stringOptions(CoapOption.UriQuery, req.query ?? []),
      ...(req.contentFormat !== undefined ? [uintOption(CoapOption.ContentFormat, req.contentFormat)] : []),
    ];
    const payload =
      typeof req.payload === 'string' ? Buffer.from(req.payload) : (req.payload ?? Buffer.alloc(0));
    if (req.type === undefined && req.messageId === undefined) {
      const response = await this.endpoint.request(this.server, {
        code: req.code,
        options,
        payload,
        timeoutMs,
      });
      return { ...response.message, payload: response.payload };
    }
    const messageId = req.messageId ?? this.allocate();
    const answer = this.waitFor(messageId, timeoutMs);
    this.sendRaw(
      serializeCoapMessage({
        type: req.type ?? CoapType.Confirmable,
        code: req.code,
        messageId,
        token: Buffer.from([messageId >> 8, messageId & 0xff, 0xaa]),
        options,
        payload,
      }),
    );
    const m = await answer;
    if (!m) throw new Error(`no answer to message ${messageId}`);
    return m;
  }

  allocate(): number {
    this.nextMid = (this.nextMid + 1) & 0xffff;
    return this.nextMid;
  }

  /** Sends one notification datagram for an observation token (CON or NON) and returns its message id. */
  notify(token: Buffer, seq: number, payload: Buffer, contentFormat: number, confirmable: boolean): number {
    const messageId = this.allocate();
    this.sendRaw(
      serializeCoapMessage({
        type: confirmable ? CoapType.Confirmable : CoapType.NonConfirmable,
        code: 0x45,
        messageId,
        token,
        options: [uintOption(CoapOption.Observe, seq), uintOption(CoapOption.ContentFormat, contentFormat)],
        payload,
      }),
    );
    return messageId;
  }

  private onDatagram(data: Buffer): void {
    let m: CoapMessage;
    try {
      m = parseCoapMessage(data);
    } catch {
      return;
    }
    this.received.push(m);
    if (m.type !== CoapType.Acknowledgement && m.type !== CoapType.Reset) return;
    const w = this.waiting.get(m.messageId);
    if (w) {
      this.waiting.delete(m.messageId);
      w(m);
    }
  }
}
