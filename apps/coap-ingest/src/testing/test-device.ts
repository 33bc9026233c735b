import {
  parseCoapMessage,
  serializeCoapMessage,
  type CoapMessage,
  type CoapOptionValue,
  CoapOption,
  CoapType,
  encodeUint,
  stringOptions,
} from '@smartcity/coap';
import { createSocket, type Socket } from 'node:dgram';

export interface DeviceRequest {
  readonly code: number;
  readonly path: string[];
  readonly query?: string[];
  readonly payload?: Buffer | string;
  readonly contentFormat?: number;
  readonly type?: CoapType;
  readonly messageId?: number;
}

/**
 * A minimal device for tests: one UDP socket (fixed local port, like a NAT binding), sends requests and
 * answers the server's requests through a handler. Raw datagrams can be sent for malformed-packet tests.
 */
export class TestDevice {
  private socket!: Socket;
  private nextMid = Math.floor(Math.random() * 60000);
  private waiting = new Map<number, (m: CoapMessage) => void>();
  readonly received: CoapMessage[] = [];
  /** Answers a request from the server; default 4.04. */
  onRequest: (m: CoapMessage) => { code: number; options?: CoapOptionValue[]; payload?: Buffer } = () => ({
    code: 0x84,
  });

  constructor(
    private readonly serverPort: number,
    private readonly serverHost = '127.0.0.1',
  ) {}

  async open(): Promise<void> {
    this.socket = createSocket('udp4');
    this.socket.on('message', (data) => this.onMessage(data));
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
  }

  sendRaw(bytes: Buffer): void {
    this.socket.send(bytes, this.serverPort, this.serverHost);
  }

  /** Waits for the next datagram answering `messageId` (ACK/RST with that MID) or times out with undefined. */
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

  async request(req: DeviceRequest, timeoutMs = 4000): Promise<CoapMessage> {
    const messageId = req.messageId ?? this.allocate();
    const options: CoapOptionValue[] = [
      ...stringOptions(CoapOption.UriPath, req.path),
      ...stringOptions(CoapOption.UriQuery, req.query ?? []),
      ...(req.contentFormat !== undefined
        ? [{ number: CoapOption.ContentFormat, value: encodeUint(req.contentFormat) }]
        : []),
    ];
    const bytes = serializeCoapMessage({
      type: req.type ?? CoapType.Confirmable,
      code: req.code,
      messageId,
      token: Buffer.from([messageId >> 8, messageId & 0xff, 0xaa]),
      options,
      payload: typeof req.payload === 'string' ? Buffer.from(req.payload) : (req.payload ?? Buffer.alloc(0)),
    });
    const answer = this.waitFor(messageId, timeoutMs);
    this.sendRaw(bytes);
    const m = await answer;
    if (!m) throw new Error(`no answer to message ${messageId}`);
    return m;
  }

  allocate(): number {
    this.nextMid = (this.nextMid + 1) & 0xffff;
    return this.nextMid;
  }

  private onMessage(data: Buffer): void {
    let m: CoapMessage;
    try {
      m = parseCoapMessage(data);
    } catch {
      return;
    }
    this.received.push(m);
    if (m.type === CoapType.Acknowledgement || m.type === CoapType.Reset) {
      const w = this.waiting.get(m.messageId);
      if (w) {
        this.waiting.delete(m.messageId);
        w(m);
      }
      return;
    }
    if (m.code !== 0 && m.code >> 5 === 0) {
      const answer = this.onRequest(m);
      this.socket.send(
        serializeCoapMessage({
          type: CoapType.Acknowledgement,
          code: answer.code,
          messageId: m.messageId,
          token: m.token,
          options: answer.options ?? [],
          payload: answer.payload ?? Buffer.alloc(0),
        }),
        this.serverPort,
        this.serverHost,
      );
    }
  }

  /** Sends a notification for an observation token (CON or NON) and returns its message id. */
  notify(token: Buffer, seq: number, payload: Buffer, contentFormat: number, confirmable: boolean): number {
    const messageId = this.allocate();
    this.sendRaw(
      serializeCoapMessage({
        type: confirmable ? CoapType.Confirmable : CoapType.NonConfirmable,
        code: 0x45,
        messageId,
        token,
        options: [
          { number: CoapOption.Observe, value: encodeUint(seq) },
          { number: CoapOption.ContentFormat, value: encodeUint(contentFormat) },
        ],
        payload,
      }),
    );
    return messageId;
  }
}
