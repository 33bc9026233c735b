import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { type BlockSettings, DEFAULT_BLOCK_SETTINGS } from '../block/block-settings';
import { CoapFormatError, emptyMessage, parseCoapMessage } from '../message/coap-codec';
import {
  type CoapMessage,
  CoapCode,
  CoapType,
  codeClass,
  isRequestCode,
  isResponseCode,
} from '../message/coap-message';
import { type Clock, type RandomSource, systemClock } from '../time/clock';
import { type DatagramTransport } from '../transport/datagram-transport';
import { type Peer } from '../transport/peer';
import { DedupCache } from './dedup-cache';
import {
  type CoapEndpointHooks,
  type CoapLogger,
  type CoapResponse,
  type NotifyOutcome,
  type OutgoingRequest,
  type RequestHandler,
  SILENT_COAP_LOGGER,
} from './exchange-types';
import { type DedupEntry, DEFAULT_UNDERSTOOD_OPTIONS, IncomingRequests } from './incoming-requests';
import { type NotificationContent, Notifier } from './notifier';
import { OutgoingRequests } from './outgoing-requests';
import { Retransmitter } from './retransmitter';
import { type CoapTiming, DEFAULT_COAP_TIMING, exchangeLifetimeMs, nonLifetimeMs } from './timing';
import { TokenSource } from './token-source';

export interface CoapEndpointOptions {
  readonly transport: DatagramTransport;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly randomBytes?: (size: number) => Buffer;
  readonly timing?: Partial<CoapTiming>;
  readonly block?: Partial<BlockSettings>;
  readonly logger?: CoapLogger;
  readonly hooks?: CoapEndpointHooks;
  /** Peers that proved their address (RFC 7252 §11.3): default every peer (a client talks to its server only). */
  readonly isVerifiedPeer?: (peer: Peer) => boolean;
  /** Critical options the request handler understands (RFC 7252 §5.4.1). */
  readonly understoodOptions?: ReadonlySet<number>;
  /** Max-Age of the 5.03 answered while draining (s). */
  readonly drainRetryAfterS?: number;
  /** Bound of the deduplication cache (RFC 7252 §4.5). */
  readonly dedupMaxEntries?: number;
  /** Length of our tokens (1..8 bytes, RFC 7252 §5.3.1). */
  readonly tokenLength?: number;
  /** A Reset answered one of our NON notifications: the observer cancelled (RFC 7641 §3.6). */
  readonly onNotificationReset?: (peer: Peer, token: Buffer) => void;
}

/**
 * The CoAP message layer over one datagram transport, for every role at once: server (requests from peers),
 * client (our requests, observations) and observed server (notifications). One socket serves all of them, so
 * requests to a device leave from the address it talks to. Handles what RFC 7252 puts below the application:
 * message format errors (§3, §4.2: Reset a CON, ignore a NON), pings (§4.3), deduplication (§4.5),
 * retransmission (§4.2, §4.8), matching (§5.3.2), Observe (RFC 7641) and Block-wise transfers (RFC 7959).
 */
export class CoapEndpoint {
  readonly timing: CoapTiming;
  private readonly clock: Clock;
  private readonly transport: DatagramTransport;
  private readonly hooks: CoapEndpointHooks;
  private readonly logger: CoapLogger;
  private readonly incoming: IncomingRequests;
  private readonly outgoing: OutgoingRequests;
  private readonly notifier: Notifier;
  private readonly retransmitter: Retransmitter;
  private readonly nonSent: DedupCache<{ peer: Peer; token: Buffer }>;
  private nextId: number;
  private receiving = true;
  private closed = false;

  constructor(private readonly options: CoapEndpointOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.hooks = options.hooks ?? {};
    this.logger = options.logger ?? SILENT_COAP_LOGGER;
    this.timing = { ...DEFAULT_COAP_TIMING, ...options.timing };
    const random = options.random ?? Math.random;
    const block: BlockSettings = { ...DEFAULT_BLOCK_SETTINGS, ...options.block };
    // §4.4: message ids start at a random value, so a restarted endpoint is not taken for a duplicate.
    this.nextId = Math.floor(random() * 0x10000);
    const nextMessageId = (): number => (this.nextId = (this.nextId + 1) & 0xffff);
    const lifetime = exchangeLifetimeMs(this.timing);
    const dedup = new DedupCache<DedupEntry>(lifetime, options.dedupMaxEntries ?? 400_000, this.clock);
    this.nonSent = new DedupCache(nonLifetimeMs(this.timing), 100_000, this.clock);
    this.retransmitter = new Retransmitter(this.transport, this.clock, random, this.timing);
    this.incoming = new IncomingRequests({
      transport: this.transport,
      clock: this.clock,
      dedup,
      hooks: this.hooks,
      block,
      nextMessageId,
      policy: {
        isVerifiedPeer: options.isVerifiedPeer ?? (() => true),
        understoodOptions: options.understoodOptions ?? DEFAULT_UNDERSTOOD_OPTIONS,
        drainRetryAfterS: options.drainRetryAfterS ?? 5,
      },
    });
    this.outgoing = new OutgoingRequests({
      transport: this.transport,
      clock: this.clock,
      dedup,
      retransmitter: this.retransmitter,
      tokens: new TokenSource(options.randomBytes ?? cryptoRandomBytes, options.tokenLength ?? 8),
      hooks: this.hooks,
      logger: this.logger,
      block,
      exchangeLifetimeMs: lifetime,
      nextMessageId,
    });
    this.notifier = new Notifier({
      transport: this.transport,
      retransmitter: this.retransmitter,
      incoming: this.incoming,
      nonSent: this.nonSent,
      block,
      nextMessageId,
    });
  }

  async start(handler?: RequestHandler): Promise<void> {
    if (handler) this.incoming.setHandler(handler);
    await this.transport.start((data, peer) => this.onDatagram(data, peer));
  }

  setRequestHandler(handler: RequestHandler): void {
    this.incoming.setHandler(handler);
  }

  localAddress(): { address: string; port: number } {
    return this.transport.localAddress();
  }

  /** Requests received and not answered yet. */
  get inFlightExchanges(): number {
    return this.incoming.inFlightCount;
  }

  /** Our requests waiting for a response, and observations we hold. */
  get pendingRequests(): number {
    return this.outgoing.size;
  }

  /**
   * Models a radio switched off (a queue-mode device asleep, LwM2M Transport §6.5): datagrams received
   * meanwhile are lost, as in the air, so a retransmission after wake-up is processed normally.
   */
  setReceiving(on: boolean): void {
    this.receiving = on;
  }

  /** Sends a request and resolves with its response; rejects with CoapRequestError. */
  request(peer: Peer, request: OutgoingRequest): Promise<CoapResponse> {
    if (this.closed) return Promise.reject(new Error('endpoint closed'));
    return this.outgoing.request(peer, request);
  }

  /** Sends one notification of an observation this endpoint serves (RFC 7641 §4.2). */
  notify(
    peer: Peer,
    token: Buffer,
    content: NotificationContent,
    confirmable: boolean,
  ): Promise<NotifyOutcome> {
    if (this.closed) return Promise.resolve('timeout');
    return this.notifier.notify(peer, token, content, confirmable);
  }

  /** Stops listening to an observation we hold; later notifications get a Reset (RFC 7641 §3.6). */
  forget(peer: Peer, token: Buffer): void {
    this.outgoing.forget(peer, token);
  }

  /** An observation we served ended (cancelled by the observer): forget its block state. */
  endServedObservation(peer: Peer, token: Buffer): void {
    this.incoming.observations.remove(peer, token);
  }

  /** Stops taking requests (5.03 + Max-Age) and resolves once every accepted one was answered, or at the deadline. */
  drain(timeoutMs: number): Promise<void> {
    return this.incoming.drain(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retransmitter.clear();
    this.outgoing.close();
    this.incoming.close();
    await this.transport.close();
  }

  private onDatagram(data: Buffer, peer: Peer): void {
    if (!this.receiving || this.closed) return;
    let message: CoapMessage;
    try {
      message = parseCoapMessage(data);
    } catch (err) {
      if (!(err instanceof CoapFormatError)) throw err;
      this.hooks.malformed?.(err.code);
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
        // §4.2: an unmatched ACK is silently ignored (never answered: no RST loops).
        this.retransmitter.receive(message, peer, false);
        return;
      case CoapType.Reset:
        if (!this.retransmitter.receive(message, peer, true)) this.onNonNotificationReset(message, peer);
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
      this.incoming.receive(message, peer, size);
      return;
    }
    if (isResponseCode(message.code)) {
      this.outgoing.receive(message, peer);
      return;
    }
    // Reserved classes 1, 6, 7 (§4.2, §4.3): reject a CON, ignore a NON.
    this.hooks.malformed?.(`reserved-code-class-${codeClass(message.code)}`);
    if (confirmable) this.transport.send(emptyMessage(CoapType.Reset, message.messageId), peer);
  }

  private onNonNotificationReset(message: CoapMessage, peer: Peer): void {
    const key = `${peer.key}#${message.messageId}`;
    const sent = this.nonSent.get(key);
    if (!sent) return;
    this.nonSent.delete(key);
    this.incoming.observations.remove(sent.peer, sent.token);
    this.options.onNotificationReset?.(sent.peer, sent.token);
  }
}
