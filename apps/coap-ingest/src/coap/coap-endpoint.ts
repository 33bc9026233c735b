import { randomBytes } from 'node:crypto';
import { type Logger } from '@smartcity/platform-observability';
import { type DatagramTransport, type Peer } from '../transport/datagram-transport';
import { CoapFormatError, emptyMessage, parseCoapMessage, serializeCoapMessage } from './coap-codec';
import {
  type CoapMessage,
  type CoapOptionValue,
  CoapCode,
  CoapOption,
  CoapType,
  codeClass,
  encodeUint,
  getOption,
  isCritical,
  isRequestCode,
  isResponseCode,
} from './coap-message';
import { ACK_RANDOM_FACTOR, ACK_TIMEOUT_MS, EXCHANGE_LIFETIME_MS, MAX_RETRANSMIT } from './coap-timing';
import { DedupCache } from './dedup-cache';

/** One received request and the way to answer it (piggybacked on the ACK for CON, RFC 7252 §5.2.1). */
export interface CoapExchange {
  readonly request: CoapMessage;
  readonly peer: Peer;
  readonly receivedAt: number;
  /** Datagram size: the amplification budget of the answer is 3x this (RFC 7252 §11.3). */
  readonly size: number;
  respond(code: number, options?: readonly CoapOptionValue[], payload?: Buffer): void;
}

/** A notification (RFC 7641) or other response that arrived for an observation this endpoint holds. */
export type NotificationListener = (message: CoapMessage, peer: Peer) => Promise<boolean>;

export interface OutgoingRequest {
  readonly code: number;
  readonly options?: readonly CoapOptionValue[];
  readonly payload?: Buffer;
  /** Keep listening on the token after the first response (Observe, RFC 7641 §3.3). */
  readonly onNotification?: NotificationListener;
  /** Give up waiting for the (separate) response after this long; default EXCHANGE_LIFETIME. */
  readonly timeoutMs?: number;
  /** Reuse a token (the GET with Observe=1 that cancels an observation, RFC 7641 §3.6); default random. */
  readonly token?: Buffer;
}

export interface CoapResponse {
  readonly message: CoapMessage;
  /** Hex token, to cancel an observation with `forget`. */
  readonly tokenKey: string;
}

export class CoapRequestError extends Error {
  constructor(
    readonly reason: 'timeout' | 'reset' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'CoapRequestError';
  }
}

export interface CoapEndpointHooks {
  malformed?(problem: string): void;
  duplicate?(): void;
  response?(code: number): void;
  amplificationLimited?(): void;
}

export interface CoapEndpointOptions {
  readonly logger: Logger;
  /** Peers that proved their address (a live registration): exempt from the amplification limit. */
  readonly isVerifiedPeer: (peer: Peer) => boolean;
  readonly dedupMaxEntries?: number;
  readonly hooks?: CoapEndpointHooks;
  /** Max-Age of the 5.03 sent to new requests while draining (s). */
  readonly drainRetryAfterS?: number;
}

/** Options a request may carry that this server understands (RFC 7252 §5.4.1: any other critical one -> 4.02). */
const UNDERSTOOD_REQUEST_OPTIONS = new Set<number>([
  CoapOption.UriHost,
  CoapOption.ETag,
  CoapOption.Observe,
  CoapOption.UriPort,
  CoapOption.UriPath,
  CoapOption.ContentFormat,
  CoapOption.UriQuery,
  CoapOption.Accept,
]);

interface DedupEntry {
  /** The serialized answer; undefined while the request is being processed. */
  response?: Buffer;
}

interface Pending {
  readonly peer: Peer;
  readonly messageId: number;
  readonly tokenKey: string;
  readonly datagram: Buffer;
  readonly resolve: (r: CoapResponse) => void;
  readonly reject: (e: Error) => void;
  readonly onNotification?: NotificationListener;
  retransmissions: number;
  timer: NodeJS.Timeout | undefined;
  deadline: NodeJS.Timeout | undefined;
  done: boolean;
}

/**
 * The CoAP message layer over one datagram transport: server (requests from devices) and client (requests to
 * devices, observations) at once. Handles what RFC 7252 puts below the application: message format errors
 * (§3, §4.2: Reset a CON, ignore a NON), pings (§4.3: empty CON -> RST), deduplication (§4.5), piggybacked and
 * NON responses (§5.2), unrecognized critical options (§5.4.1: 4.02), retransmission of our CON requests with
 * exponential back-off (§4.2, §4.8), and the amplification limit toward unverified peers (§11.3).
 */
export class CoapEndpoint {
  private readonly dedup: DedupCache<DedupEntry>;
  private readonly byMessageId = new Map<string, Pending>();
  private readonly byToken = new Map<string, Pending>();
  private readonly logger: Logger;
  private nextMessageId = Math.floor(Math.random() * 0x10000);
  private inFlight = 0;
  private draining = false;
  private drainWaiters: (() => void)[] = [];
  private handler: ((exchange: CoapExchange) => void) | undefined;

  constructor(
    private readonly transport: DatagramTransport,
    private readonly options: CoapEndpointOptions,
  ) {
    this.logger = options.logger.child({ context: 'CoapEndpoint' });
    this.dedup = new DedupCache(EXCHANGE_LIFETIME_MS, options.dedupMaxEntries ?? 400_000);
  }

  async start(handler: (exchange: CoapExchange) => void): Promise<void> {
    this.handler = handler;
    await this.transport.start((data, peer) => this.onDatagram(data, peer));
  }

  /** Requests received and not answered yet. */
  get inFlightExchanges(): number {
    return this.inFlight;
  }

  /**
   * Stops taking new requests (they get 5.03 + Max-Age, so devices retry elsewhere) and resolves when every
   * request already accepted was answered, or at the deadline.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const pending of this.byToken.values())
      this.finish(pending, new CoapRequestError('closed', 'endpoint closed'));
    await this.transport.close();
  }

  // ---------------------------------------------------------------------------------------------- receiving

  private onDatagram(data: Buffer, peer: Peer): void {
    let message: CoapMessage;
    try {
      message = parseCoapMessage(data);
    } catch (err) {
      if (!(err instanceof CoapFormatError)) throw err;
      this.options.hooks?.malformed?.(err.problem);
      // §4.2: a CON with a format error is rejected with a Reset; §4.3: a NON one is silently ignored.
      if (err.header?.type === CoapType.Confirmable) {
        this.transport.send(emptyMessage(CoapType.Reset, err.header.messageId), peer);
      }
      return;
    }
    try {
      this.dispatch(message, peer, data.length);
    } catch (err) {
      // Never let one datagram take the process down.
      this.logger.error({ err, peer: peer.key }, 'unexpected error handling a datagram');
    }
  }

  private dispatch(message: CoapMessage, peer: Peer, size: number): void {
    switch (message.type) {
      case CoapType.Acknowledgement:
      case CoapType.Reset:
        this.onReply(message, peer);
        return;
      case CoapType.Confirmable:
      case CoapType.NonConfirmable:
        break;
    }
    const confirmable = message.type === CoapType.Confirmable;
    if (message.code === CoapCode.Empty) {
      // §4.3: an empty CON is a ping, answered with a Reset; an empty NON is meaningless and ignored.
      if (confirmable) this.transport.send(emptyMessage(CoapType.Reset, message.messageId), peer);
      return;
    }
    if (isRequestCode(message.code)) {
      this.onRequest(message, peer, size);
      return;
    }
    if (isResponseCode(message.code)) {
      this.onSeparateResponse(message, peer);
      return;
    }
    // Reserved classes 1, 6, 7 (§4.2, §4.3): reject a CON, ignore a NON.
    this.options.hooks?.malformed?.(`reserved-code-class-${codeClass(message.code)}`);
    if (confirmable) this.transport.send(emptyMessage(CoapType.Reset, message.messageId), peer);
  }

  private onRequest(request: CoapMessage, peer: Peer, size: number): void {
    const confirmable = request.type === CoapType.Confirmable;
    const dedupKey = `${peer.key}#${request.messageId}`;
    const seen = this.dedup.get(dedupKey);
    if (seen) {
      this.options.hooks?.duplicate?.();
      // §4.5: answer a duplicate with the same response; a duplicate still being processed is dropped
      // (its answer will go out once, and acknowledges both copies).
      if (seen.response) this.transport.send(seen.response, peer);
      return;
    }
    const unknownCritical = request.options.find(
      (o) => isCritical(o.number) && !UNDERSTOOD_REQUEST_OPTIONS.has(o.number),
    );
    if (unknownCritical && !confirmable) return; // §5.4.1: a NON with one is silently ignored
    const entry: DedupEntry = {};
    this.dedup.set(dedupKey, entry);
    this.inFlight++;
    let answered = false;
    const exchange: CoapExchange = {
      request,
      peer,
      size,
      receivedAt: Date.now(),
      respond: (code, options = [], payload) => {
        if (answered) return;
        answered = true;
        this.inFlight--;
        const bytes = this.encodeResponse(request, peer, size, code, options, payload);
        entry.response = bytes;
        this.options.hooks?.response?.(code);
        this.transport.send(bytes, peer);
        if (this.inFlight === 0 && this.drainWaiters.length > 0) {
          for (const w of this.drainWaiters.splice(0)) w();
        }
      },
    };
    if (unknownCritical) {
      const proxy =
        unknownCritical.number === CoapOption.ProxyUri || unknownCritical.number === CoapOption.ProxyScheme;
      // §5.7.2: a server that is not a proxy answers Proxy-Uri with 5.05; other unknown critical options 4.02.
      exchange.respond(
        proxy ? CoapCode.ProxyingNotSupported : CoapCode.BadOption,
        [],
        Buffer.from(`unsupported critical option ${unknownCritical.number}`),
      );
      return;
    }
    if (this.draining) {
      exchange.respond(CoapCode.ServiceUnavailable, [
        { number: CoapOption.MaxAge, value: encodeUint(this.options.drainRetryAfterS ?? 5) },
      ]);
      return;
    }
    this.handler?.(exchange);
  }

  private encodeResponse(
    request: CoapMessage,
    peer: Peer,
    requestSize: number,
    code: number,
    options: readonly CoapOptionValue[],
    payload: Buffer | undefined,
  ): Buffer {
    const confirmable = request.type === CoapType.Confirmable;
    const response: CoapMessage = {
      type: confirmable ? CoapType.Acknowledgement : CoapType.NonConfirmable,
      code,
      messageId: confirmable ? request.messageId : this.allocateMessageId(),
      token: request.token,
      options,
      payload: payload ?? EMPTY,
    };
    let bytes = serializeCoapMessage(response);
    // RFC 7252 §11.3: toward a peer whose address is not verified, never send more than 3x what it sent.
    if (bytes.length > 3 * requestSize && !this.options.isVerifiedPeer(peer)) {
      this.options.hooks?.amplificationLimited?.();
      bytes = serializeCoapMessage({ ...response, payload: EMPTY });
      if (bytes.length > 3 * requestSize)
        bytes = serializeCoapMessage({ ...response, payload: EMPTY, options: [] });
    }
    return bytes;
  }

  /** CON/NON message with a response code: a separate response (§5.2.2) or a notification (RFC 7641). */
  private onSeparateResponse(message: CoapMessage, peer: Peer): void {
    const confirmable = message.type === CoapType.Confirmable;
    const dedupKey = `${peer.key}#${message.messageId}`;
    const seen = this.dedup.get(dedupKey);
    if (seen) {
      this.options.hooks?.duplicate?.();
      if (seen.response) this.transport.send(seen.response, peer);
      return;
    }
    const pending = this.byToken.get(`${peer.key}#${message.token.toString('hex')}`);
    if (!pending) {
      // RFC 7641 §3.6 / RFC 7252 §5.3.2: an unexpected response is rejected with a Reset, which also makes the
      // device drop an observation we no longer hold.
      this.transport.send(emptyMessage(CoapType.Reset, message.messageId), peer);
      return;
    }
    const entry: DedupEntry = {};
    this.dedup.set(dedupKey, entry);
    const ack = () => {
      if (!confirmable) return;
      entry.response = emptyMessage(CoapType.Acknowledgement, message.messageId);
      this.transport.send(entry.response, peer);
    };
    if (!pending.done) {
      this.onFirstResponse(pending, message);
      ack();
      return;
    }
    if (pending.onNotification) {
      // A CON notification is acknowledged only once it is stored (Kafka acks); otherwise the device retransmits.
      pending.onNotification(message, peer).then(
        (stored) => {
          if (stored) ack();
          else this.dedup.delete(dedupKey);
        },
        () => this.dedup.delete(dedupKey),
      );
    } else ack();
  }

  /** ACK or RST for one of our CON requests (§4.2); a piggybacked response resolves it. */
  private onReply(message: CoapMessage, peer: Peer): void {
    const pending = this.byMessageId.get(`${peer.key}#${message.messageId}`);
    if (!pending) return; // §4.2: an unmatched ACK/RST is silently ignored (never answered: no RST loops)
    this.byMessageId.delete(`${peer.key}#${message.messageId}`);
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = undefined;
    if (message.type === CoapType.Reset) {
      this.finish(pending, new CoapRequestError('reset', 'device rejected the request with a Reset'));
      return;
    }
    if (message.code !== CoapCode.Empty && !pending.done) this.onFirstResponse(pending, message);
    // An empty ACK: the response comes separately (§5.2.2); the deadline timer keeps running.
  }

  private onFirstResponse(pending: Pending, message: CoapMessage): void {
    pending.done = true;
    if (pending.timer) clearTimeout(pending.timer);
    if (pending.deadline) clearTimeout(pending.deadline);
    this.byMessageId.delete(`${pending.peer.key}#${pending.messageId}`);
    const observing =
      pending.onNotification !== undefined && getOption(message, CoapOption.Observe) !== undefined;
    if (!observing || codeClass(message.code) !== 2) this.byToken.delete(pending.tokenKey);
    pending.resolve({ message, tokenKey: pending.tokenKey });
  }

  private finish(pending: Pending, err: Error): void {
    if (pending.timer) clearTimeout(pending.timer);
    if (pending.deadline) clearTimeout(pending.deadline);
    this.byMessageId.delete(`${pending.peer.key}#${pending.messageId}`);
    this.byToken.delete(pending.tokenKey);
    if (!pending.done) {
      pending.done = true;
      pending.reject(err);
    }
  }

  // ----------------------------------------------------------------------------------------------- sending

  /** Sends a CON request to a device from the shared socket and resolves with its response. */
  request(peer: Peer, request: OutgoingRequest): Promise<CoapResponse> {
    const token = request.token ?? randomBytes(8);
    const messageId = this.allocateMessageId();
    const tokenKey = `${peer.key}#${token.toString('hex')}`;
    const datagram = serializeCoapMessage({
      type: CoapType.Confirmable,
      code: request.code,
      messageId,
      token,
      options: request.options ?? [],
      payload: request.payload ?? EMPTY,
    });
    return new Promise<CoapResponse>((resolve, reject) => {
      const pending: Pending = {
        peer,
        messageId,
        tokenKey,
        datagram,
        resolve,
        reject,
        ...(request.onNotification ? { onNotification: request.onNotification } : {}),
        retransmissions: 0,
        timer: undefined,
        deadline: undefined,
        done: false,
      };
      this.byMessageId.set(`${peer.key}#${messageId}`, pending);
      this.byToken.set(tokenKey, pending);
      pending.deadline = setTimeout(
        () => this.finish(pending, new CoapRequestError('timeout', 'no response from the device')),
        request.timeoutMs ?? EXCHANGE_LIFETIME_MS,
      );
      // §4.8: initial timeout random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubled each time.
      this.transmit(pending, ACK_TIMEOUT_MS * (1 + Math.random() * (ACK_RANDOM_FACTOR - 1)));
    });
  }

  /** Stops listening to an observation's token: later notifications get a Reset (RFC 7641 §3.6). */
  forget(tokenKey: string): void {
    const pending = this.byToken.get(tokenKey);
    if (pending) this.finish(pending, new CoapRequestError('closed', 'observation cancelled'));
  }

  private transmit(pending: Pending, timeoutMs: number): void {
    this.transport.send(pending.datagram, pending.peer);
    pending.timer = setTimeout(() => {
      if (pending.done || !this.byMessageId.has(`${pending.peer.key}#${pending.messageId}`)) return;
      if (pending.retransmissions >= MAX_RETRANSMIT) {
        this.finish(pending, new CoapRequestError('timeout', 'device did not acknowledge'));
        return;
      }
      pending.retransmissions++;
      this.transmit(pending, timeoutMs * 2);
    }, timeoutMs);
  }

  private allocateMessageId(): number {
    this.nextMessageId = (this.nextMessageId + 1) & 0xffff;
    return this.nextMessageId;
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
