import { generate, parse, type NamedOption, type ParsedPacket } from 'coap-packet';
import { readStrings, readUint, stringOptions, uintOption } from './coap-options';
import { DEFAULT_COAP_TIMING, initialTimeoutMs, type CoapTiming } from './coap-timing';
import { type CoapRequest, type CoapResponse, type IncomingRequest, type Peer } from './coap-types';
import { type DatagramSocket } from './datagram-socket';

export type CoapErrorCode = 'timeout' | 'reset' | 'closed';

export class CoapTransportError extends Error {
  override readonly name = 'CoapTransportError';
  constructor(
    readonly code: CoapErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type RequestHandler = (request: IncomingRequest) => Promise<CoapResponse> | CoapResponse;
/** What became of a notification: acknowledged, rejected with RST (the observer is gone), lost, or sent as NON. */
export type NotifyOutcome = 'acked' | 'reset' | 'timeout' | 'sent';

export interface CoapEndpointOptions {
  readonly socket: DatagramSocket;
  readonly timing?: CoapTiming;
  readonly random?: () => number;
  readonly onRequest?: RequestHandler;
  /** A RST answering one of our NON notifications: the observer cancelled (RFC 7641 §3.6). */
  readonly onNotificationReset?: (peer: Peer, token: Buffer) => void;
}

interface Transmission {
  readonly buffer: Buffer;
  readonly peer: Peer;
  timer: NodeJS.Timeout | undefined;
  retransmissions: number;
  timeoutMs: number;
  onAck(packet: ParsedPacket): void;
  onReset(): void;
  onGiveUp(): void;
}

interface PendingResponse {
  resolve(response: CoapResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The CoAP message layer of one client (RFC 7252 §4): CON retransmission with exponential back-off, matching of
 * piggybacked and separate responses by token (§5.2), de-duplication of received CON/NON by Message ID with the
 * cached response replayed (§4.5), RST to a CoAP ping (§4.3), confirmable and non-confirmable notifications.
 * One endpoint owns one socket, so a device keeps one source port for all its exchanges.
 */
export class CoapEndpoint {
  private readonly timing: CoapTiming;
  private readonly random: () => number;
  private nextMessageId: number;
  private nextToken: number;
  private readonly transmissions = new Map<number, Transmission>();
  private readonly pending = new Map<string, PendingResponse>();
  /** Received messages by "address:port:mid", with the response already sent (undefined while in progress). */
  private readonly seen = new Map<string, { buffer: Buffer | undefined; expiresAt: number }>();
  private readonly observers = new Map<string, (notification: CoapResponse) => void>();
  private readonly nonNotifications = new Map<number, { peer: Peer; token: Buffer; expiresAt: number }>();
  private handler: RequestHandler | undefined;
  private closed = false;
  private radioOff = false;

  constructor(private readonly options: CoapEndpointOptions) {
    this.timing = options.timing ?? DEFAULT_COAP_TIMING;
    this.random = options.random ?? Math.random;
    // Message IDs and tokens start at random values so a restarted client is not mistaken for duplicates (§4.4, §5.3.1).
    this.nextMessageId = Math.floor(this.random() * 0x10000);
    this.nextToken = Math.floor(this.random() * 0xffffffff);
    this.handler = options.onRequest;
    options.socket.onMessage((datagram, from) => this.receive(datagram, from));
  }

  get localPort(): number {
    return this.options.socket.localPort;
  }

  /**
   * Models a radio switched off (a queue-mode device asleep): every datagram received meanwhile is lost, as it
   * would be in the air, so a server's retransmission after the wake-up is processed normally.
   */
  setRadio(on: boolean): void {
    this.radioOff = !on;
  }

  setRequestHandler(handler: RequestHandler): void {
    this.handler = handler;
  }

  /**
   * Sends a request and resolves with its response (piggybacked or separate). Rejects with CoapTransportError.
   * With `onNotification` (an Observe request), later responses carrying the same token are acknowledged and
   * delivered to it until `forget(token)` (RFC 7641 §3.2); this makes the endpoint usable as a small server in tests.
   */
  request(
    peer: Peer,
    request: CoapRequest,
    onNotification?: (notification: CoapResponse) => void,
  ): Promise<CoapResponse> {
    if (this.closed) return Promise.reject(new CoapTransportError('closed', 'endpoint closed'));
    const token = this.newToken();
    const messageId = this.newMessageId();
    const confirmable = request.confirmable ?? true;
    const options: NamedOption[] = [
      ...uintOption('Observe', request.observe),
      ...stringOptions('Uri-Path', request.uriPath),
      ...uintOption('Content-Format', request.contentFormat),
      ...stringOptions('Uri-Query', request.uriQuery),
      ...uintOption('Accept', request.accept),
    ];
    const buffer = generate({
      code: request.method,
      messageId,
      token,
      confirmable,
      options,
      payload: request.payload ?? Buffer.alloc(0),
    });
    return new Promise<CoapResponse>((resolve, reject) => {
      const key = token.toString('hex');
      const entry: PendingResponse = {
        resolve: (response) => {
          if (onNotification) this.observers.set(key, onNotification);
          resolve(response);
        },
        reject,
        timer: undefined,
      };
      this.pending.set(key, entry);
      const fail = (error: CoapTransportError) => {
        if (this.pending.get(key) !== entry) return;
        this.pending.delete(key);
        if (entry.timer) clearTimeout(entry.timer);
        reject(error);
      };
      // After an empty ACK the response comes separately; it is awaited at most EXCHANGE_LIFETIME (§4.8.2).
      const awaitSeparate = () => {
        entry.timer = setTimeout(
          () => fail(new CoapTransportError('timeout', 'no separate response')),
          this.timing.exchangeLifetimeMs,
        );
        entry.timer.unref?.();
      };
      if (!confirmable) {
        this.options.socket.send(buffer, peer);
        awaitSeparate();
        return;
      }
      this.transmit(messageId, buffer, peer, {
        onAck: (packet) => {
          if (packet.code === '0.00') awaitSeparate();
          else this.resolvePending(key, packet);
        },
        onReset: () => fail(new CoapTransportError('reset', 'request rejected with RST')),
        onGiveUp: () =>
          fail(
            new CoapTransportError('timeout', `no ACK after ${this.timing.maxRetransmit} retransmissions`),
          ),
      });
    });
  }

  /** Sends one notification of an observation (RFC 7641 §4.2): a 2.05 carrying the Observe sequence number. */
  notify(peer: Peer, token: Buffer, response: CoapResponse, confirmable: boolean): Promise<NotifyOutcome> {
    if (this.closed) return Promise.resolve('timeout');
    const messageId = this.newMessageId();
    const buffer = this.encodeResponse(response, { messageId, token, confirmable, ack: false });
    if (!confirmable) {
      this.sweep();
      this.nonNotifications.set(messageId, {
        peer,
        token,
        expiresAt: Date.now() + this.timing.exchangeLifetimeMs,
      });
      this.options.socket.send(buffer, peer);
      return Promise.resolve('sent');
    }
    return new Promise<NotifyOutcome>((resolve) => {
      this.transmit(messageId, buffer, peer, {
        onAck: () => resolve('acked'),
        onReset: () => resolve('reset'),
        onGiveUp: () => resolve('timeout'),
      });
    });
  }

  /** Stops delivering notifications for an observation started with `request(..., onNotification)`. */
  forget(token: Buffer): void {
    this.observers.delete(token.toString('hex'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.transmissions.values()) if (t.timer) clearTimeout(t.timer);
    this.transmissions.clear();
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new CoapTransportError('closed', 'endpoint closed'));
    }
    this.pending.clear();
    await this.options.socket.close();
  }

  private transmit(
    messageId: number,
    buffer: Buffer,
    peer: Peer,
    callbacks: Pick<Transmission, 'onAck' | 'onReset' | 'onGiveUp'>,
  ): void {
    const t: Transmission = {
      buffer,
      peer,
      timer: undefined,
      retransmissions: 0,
      timeoutMs: initialTimeoutMs(this.timing, this.random),
      ...callbacks,
    };
    this.transmissions.set(messageId, t);
    const arm = () => {
      t.timer = setTimeout(() => {
        if (this.transmissions.get(messageId) !== t) return;
        if (t.retransmissions >= this.timing.maxRetransmit) {
          this.transmissions.delete(messageId);
          t.onGiveUp();
          return;
        }
        // §4.2: retransmit the same message, doubling the timeout each time.
        t.retransmissions++;
        t.timeoutMs *= 2;
        this.options.socket.send(buffer, peer);
        arm();
      }, t.timeoutMs);
      t.timer.unref?.();
    };
    this.options.socket.send(buffer, peer);
    arm();
  }

  private receive(datagram: Buffer, from: Peer): void {
    if (this.closed || this.radioOff) return;
    let packet: ParsedPacket;
    try {
      packet = parse(datagram);
    } catch {
      return; // §4.2: a message that cannot be parsed is silently ignored
    }
    if (packet.ack || packet.reset) {
      this.receiveAckOrReset(packet, from);
      return;
    }
    if (packet.code === '0.00') {
      // §4.3: an empty CON is a CoAP ping, answered with RST.
      if (packet.confirmable) this.sendEmpty(packet.messageId, from, 'reset');
      return;
    }
    if (packet.code.startsWith('0.')) {
      this.receiveRequest(packet, from);
      return;
    }
    this.receiveSeparateResponse(packet, from);
  }

  private receiveAckOrReset(packet: ParsedPacket, from: Peer): void {
    const t = this.transmissions.get(packet.messageId);
    if (t && t.peer.port === from.port && t.peer.address === from.address) {
      this.transmissions.delete(packet.messageId);
      if (t.timer) clearTimeout(t.timer);
      if (packet.reset) t.onReset();
      else t.onAck(packet);
      return;
    }
    if (packet.reset) {
      const non = this.nonNotifications.get(packet.messageId);
      if (non) {
        this.nonNotifications.delete(packet.messageId);
        this.options.onNotificationReset?.(non.peer, non.token);
      }
    }
  }

  private receiveSeparateResponse(packet: ParsedPacket, from: Peer): void {
    const key = packet.token.toString('hex');
    const observer = this.observers.get(key);
    const known = this.pending.has(key) || observer !== undefined;
    // §5.3.2 / RFC 7641 §3.6: a response nobody waits for is rejected, which also ends an unwanted observation.
    if (packet.confirmable) this.sendEmpty(packet.messageId, from, known ? 'ack' : 'reset');
    if (this.pending.has(key)) this.resolvePending(key, packet);
    else if (observer) observer({ ...toResponse(packet), token: packet.token });
  }

  private resolvePending(key: string, packet: ParsedPacket): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    if (entry.timer) clearTimeout(entry.timer);
    entry.resolve({ ...toResponse(packet), token: packet.token });
  }

  private receiveRequest(packet: ParsedPacket, from: Peer): void {
    const key = `${from.address}:${from.port}:${packet.messageId}`;
    const now = Date.now();
    const previous = this.seen.get(key);
    if (previous && previous.expiresAt > now) {
      // §4.5: a duplicate gets the same response again, and is not processed twice.
      if (previous.buffer) this.options.socket.send(previous.buffer, from);
      return;
    }
    this.sweep();
    const record: { buffer: Buffer | undefined; expiresAt: number } = {
      buffer: undefined,
      expiresAt: now + this.timing.exchangeLifetimeMs,
    };
    this.seen.set(key, record);
    const request: IncomingRequest = {
      peer: from,
      token: packet.token,
      method: packet.code as IncomingRequest['method'],
      uriPath: readStrings(packet, 'Uri-Path'),
      uriQuery: readStrings(packet, 'Uri-Query'),
      contentFormat: readUint(packet, 'Content-Format'),
      accept: readUint(packet, 'Accept'),
      observe: readUint(packet, 'Observe'),
      payload: packet.payload,
      confirmable: packet.confirmable,
    };
    const reply = (response: CoapResponse) => {
      if (this.closed) return;
      // A CON request gets a piggybacked response in its ACK; a NON request a NON response (§5.2.1, §5.2.3).
      const buffer = this.encodeResponse(response, {
        messageId: packet.confirmable ? packet.messageId : this.newMessageId(),
        token: packet.token,
        confirmable: false,
        ack: packet.confirmable,
      });
      record.buffer = buffer;
      this.options.socket.send(buffer, from);
    };
    const handler = this.handler;
    if (!handler) {
      reply({ code: '5.03' });
      return;
    }
    let result: Promise<CoapResponse> | CoapResponse;
    try {
      result = handler(request);
    } catch {
      reply({ code: '5.00' });
      return;
    }
    if (result instanceof Promise) result.then(reply, () => reply({ code: '5.00' }));
    else reply(result);
  }

  private encodeResponse(
    response: CoapResponse,
    header: { messageId: number; token: Buffer; confirmable: boolean; ack: boolean },
  ): Buffer {
    const options: NamedOption[] = [
      ...uintOption('Observe', response.observe),
      ...stringOptions('Location-Path', response.locationPath),
      ...uintOption('Content-Format', response.contentFormat),
      ...uintOption('Max-Age', response.maxAge),
    ];
    return generate({
      code: response.code,
      messageId: header.messageId,
      token: header.token,
      confirmable: header.confirmable,
      ack: header.ack,
      options,
      payload: response.payload ?? Buffer.alloc(0),
    });
  }

  private sendEmpty(messageId: number, peer: Peer, kind: 'ack' | 'reset'): void {
    const buffer = generate({
      code: '0.00',
      messageId,
      ack: kind === 'ack',
      reset: kind === 'reset',
      confirmable: false,
      token: Buffer.alloc(0),
    });
    this.options.socket.send(buffer, peer);
  }

  /** Drops expired de-duplication entries; maps keep insertion order and all entries share one lifetime. */
  private sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.seen) {
      if (v.expiresAt > now) break;
      this.seen.delete(k);
    }
    for (const [k, v] of this.nonNotifications) {
      if (v.expiresAt > now) break;
      this.nonNotifications.delete(k);
    }
  }

  private newMessageId(): number {
    this.nextMessageId = (this.nextMessageId + 1) & 0xffff;
    return this.nextMessageId;
  }

  private newToken(): Buffer {
    this.nextToken = (this.nextToken + 1) >>> 0;
    const token = Buffer.alloc(4);
    token.writeUInt32BE(this.nextToken);
    return token;
  }
}

function toResponse(packet: ParsedPacket): CoapResponse {
  const locationPath = readStrings(packet, 'Location-Path');
  return {
    code: packet.code,
    contentFormat: readUint(packet, 'Content-Format'),
    observe: readUint(packet, 'Observe'),
    maxAge: readUint(packet, 'Max-Age'),
    ...(locationPath.length ? { locationPath } : {}),
    payload: packet.payload,
  };
}
