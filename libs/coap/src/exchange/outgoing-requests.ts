import { type BlockValue, blockOf, blockOption, blockSize } from '../block/block-option';
import { type BlockSettings } from '../block/block-settings';
import { emptyMessage, serializeCoapMessage } from '../message/coap-codec';
import {
  type CoapMessage,
  type CoapOptionValue,
  CoapCode,
  CoapOption,
  CoapType,
  codeClass,
  formatCode,
  getOption,
  uintOption,
  uintOptionOf,
} from '../message/coap-message';
import { type Clock, type TimerHandle } from '../time/clock';
import { type DatagramTransport } from '../transport/datagram-transport';
import { type Peer } from '../transport/peer';
import { type DedupCache } from './dedup-cache';
import {
  type CoapEndpointHooks,
  type CoapLogger,
  type CoapResponse,
  CoapRequestError,
  type NotificationListener,
  type OutgoingRequest,
} from './exchange-types';
import { type DedupEntry } from './incoming-requests';
import { isFresher } from './observe-freshness';
import { type Retransmitter } from './retransmitter';
import { type TokenSource } from './token-source';

interface RequestShape {
  readonly code: number;
  readonly options: readonly CoapOptionValue[];
  readonly payload: Buffer;
}

interface Exchange {
  readonly peer: Peer;
  readonly token: Buffer;
  readonly key: string;
  readonly messageId: number;
  readonly resolve: (m: CoapMessage) => void;
  readonly reject: (e: Error) => void;
  deadline: TimerHandle | undefined;
  responded: boolean;
  /** Observe (RFC 7641): notifications keep coming on the token after the first response. */
  readonly listener: NotificationListener | undefined;
  /** The request, to fetch the later blocks of a large notification (RFC 7959 §2.6). */
  readonly origin: RequestShape;
  lastSeq: number | undefined;
  lastAt: number;
}

export interface OutgoingContext {
  readonly transport: DatagramTransport;
  readonly clock: Clock;
  readonly dedup: DedupCache<DedupEntry>;
  readonly retransmitter: Retransmitter;
  readonly tokens: TokenSource;
  readonly hooks: CoapEndpointHooks;
  readonly logger: CoapLogger;
  readonly block: BlockSettings;
  readonly exchangeLifetimeMs: number;
  readonly nextMessageId: () => number;
}

const EMPTY = Buffer.alloc(0);
/** Options of the original request that do not belong in a follow-up block request. */
const NOT_REPEATED = new Set<number>([
  CoapOption.Observe,
  CoapOption.Block1,
  CoapOption.Block2,
  CoapOption.Size1,
]);

/**
 * The client role of the message layer: our requests, matched to their responses by peer + token (RFC 7252
 * §5.3.2), piggybacked or separate (§5.2); observations (RFC 7641) with the freshness rule (§3.4); Block1
 * uploads and Block2 downloads of large bodies (RFC 7959 §2.3-§2.5).
 */
export class OutgoingRequests {
  private readonly exchanges = new Map<string, Exchange>();

  constructor(private readonly ctx: OutgoingContext) {}

  get size(): number {
    return this.exchanges.size;
  }

  async request(peer: Peer, req: OutgoingRequest): Promise<CoapResponse> {
    const token = req.token ?? this.ctx.tokens.next();
    const shape: RequestShape = { code: req.code, options: req.options ?? [], payload: req.payload ?? EMPTY };
    const timeoutMs = req.timeoutMs ?? this.ctx.exchangeLifetimeMs;
    const confirmable = req.confirmable !== false;
    const first =
      shape.payload.length > blockSize(this.ctx.block.preferredSzx)
        ? await this.upload(peer, shape, token, confirmable, timeoutMs)
        : await this.exchange(peer, shape, token, confirmable, timeoutMs, req.onNotification);
    const block = safeBlock(first, CoapOption.Block2);
    const payload = block?.more ? await this.download(peer, shape, first, block, timeoutMs) : first.payload;
    return { message: first, payload, token };
  }

  /** Stops listening to an observation's token: later notifications get a Reset (RFC 7641 §3.6). */
  forget(peer: Peer, token: Buffer): void {
    const ex = this.exchanges.get(`${peer.key}#${token.toString('hex')}`);
    if (ex) this.finish(ex, new CoapRequestError('closed', 'observation cancelled'));
  }

  close(): void {
    for (const ex of [...this.exchanges.values()])
      this.finish(ex, new CoapRequestError('closed', 'endpoint closed'));
  }

  /** A CON or NON message with a response code: a separate response (§5.2.2) or a notification (RFC 7641). */
  receive(message: CoapMessage, peer: Peer): void {
    const confirmable = message.type === CoapType.Confirmable;
    const dedupKey = `${peer.key}#${message.messageId}`;
    const seen = this.ctx.dedup.get(dedupKey);
    if (seen) {
      this.ctx.hooks.duplicate?.();
      if (seen.response) this.ctx.transport.send(seen.response, peer);
      return;
    }
    const ex = this.exchanges.get(`${peer.key}#${message.token.toString('hex')}`);
    if (!ex) {
      // §5.3.2 / RFC 7641 §3.6: an unexpected response is rejected with a Reset, which also makes the
      // peer drop an observation we no longer hold.
      this.ctx.transport.send(emptyMessage(CoapType.Reset, message.messageId), peer);
      return;
    }
    const entry: DedupEntry = {};
    this.ctx.dedup.set(dedupKey, entry);
    const ack = (): void => {
      if (!confirmable) return;
      entry.response = emptyMessage(CoapType.Acknowledgement, message.messageId);
      this.ctx.transport.send(entry.response, peer);
    };
    if (!ex.responded) {
      this.firstResponse(ex, message);
      ack();
      return;
    }
    if (!ex.listener) {
      ack();
      return;
    }
    this.notification(ex, message, peer).then(
      (stored) => {
        if (stored === 'reject') {
          entry.response = emptyMessage(CoapType.Reset, message.messageId);
          this.ctx.transport.send(entry.response, peer);
          this.finish(ex, new CoapRequestError('closed', 'notification rejected'));
        } else if (stored) ack();
        else this.ctx.dedup.delete(dedupKey);
      },
      (err: unknown) => {
        this.ctx.logger.warn({ err, peer: peer.key }, 'notification not delivered');
        this.ctx.dedup.delete(dedupKey);
      },
    );
  }

  /** The first response to an exchange: piggybacked in the ACK or separate. */
  onAck(ex: Exchange, message: CoapMessage): void {
    // An empty ACK: the response comes separately (§5.2.2); the deadline keeps running.
    if (message.code !== CoapCode.Empty && !ex.responded) this.firstResponse(ex, message);
  }

  private async notification(ex: Exchange, message: CoapMessage, peer: Peer): Promise<boolean | 'reject'> {
    const seq = uintOptionOf(message, CoapOption.Observe);
    const listener = ex.listener as NotificationListener;
    // §3.2: a response without Observe, or with an error code, ends the observation.
    if (seq === undefined || codeClass(message.code) !== 2) this.exchanges.delete(ex.key);
    const now = this.ctx.clock.now();
    let fresh = true;
    if (seq !== undefined) {
      fresh = isFresher(ex.lastSeq, ex.lastAt, seq, now);
      if (fresh) {
        ex.lastSeq = seq;
        ex.lastAt = now;
      }
    }
    let payload = message.payload;
    const block = safeBlock(message, CoapOption.Block2);
    if (block?.more)
      payload = await this.download(peer, ex.origin, message, block, this.ctx.exchangeLifetimeMs);
    return listener({ message, peer, payload, fresh });
  }

  private firstResponse(ex: Exchange, message: CoapMessage): void {
    ex.responded = true;
    this.ctx.clock.clearTimeout(ex.deadline);
    this.ctx.retransmitter.cancel(ex.peer, ex.messageId);
    const observing = ex.listener !== undefined && getOption(message, CoapOption.Observe) !== undefined;
    if (observing && codeClass(message.code) === 2) {
      ex.lastSeq = uintOptionOf(message, CoapOption.Observe);
      ex.lastAt = this.ctx.clock.now();
    } else if (this.exchanges.get(ex.key) === ex) {
      this.exchanges.delete(ex.key);
    }
    ex.resolve(message);
  }

  private finish(ex: Exchange, err: Error): void {
    this.ctx.clock.clearTimeout(ex.deadline);
    this.ctx.retransmitter.cancel(ex.peer, ex.messageId);
    if (this.exchanges.get(ex.key) === ex) this.exchanges.delete(ex.key);
    if (!ex.responded) {
      ex.responded = true;
      ex.reject(err);
    }
  }

  /** One request/response exchange (CON with retransmission, or NON). */
  private exchange(
    peer: Peer,
    shape: RequestShape,
    token: Buffer,
    confirmable: boolean,
    timeoutMs: number,
    listener?: NotificationListener,
  ): Promise<CoapMessage> {
    const messageId = this.ctx.nextMessageId();
    const datagram = serializeCoapMessage({
      type: confirmable ? CoapType.Confirmable : CoapType.NonConfirmable,
      code: shape.code,
      messageId,
      token,
      options: shape.options,
      payload: shape.payload,
    });
    return new Promise<CoapMessage>((resolve, reject) => {
      const ex: Exchange = {
        peer,
        token,
        key: `${peer.key}#${token.toString('hex')}`,
        messageId,
        resolve,
        reject,
        deadline: undefined,
        responded: false,
        listener,
        origin: shape,
        lastSeq: undefined,
        lastAt: 0,
      };
      const previous = this.exchanges.get(ex.key);
      if (previous) this.finish(previous, new CoapRequestError('closed', 'token reused by a new request'));
      this.exchanges.set(ex.key, ex);
      ex.deadline = this.ctx.clock.setTimeout(
        () => this.finish(ex, new CoapRequestError('timeout', 'no response from the peer')),
        timeoutMs,
      );
      if (!confirmable) {
        this.ctx.transport.send(datagram, peer);
        return;
      }
      this.ctx.retransmitter.send(peer, messageId, datagram, {
        onAck: (m) => this.onAck(ex, m),
        onReset: () =>
          this.finish(ex, new CoapRequestError('reset', 'the peer rejected the request with a Reset')),
        onGiveUp: () => this.finish(ex, new CoapRequestError('timeout', 'the peer did not acknowledge')),
      });
    });
  }

  /**
   * Block1 upload (RFC 7959 §2.5): the body in blocks of our size, one exchange each, with Size1 on the first
   * (§4); a 2.31 Continue may ask for smaller blocks, and any other answer before the last block ends it.
   */
  private async upload(
    peer: Peer,
    shape: RequestShape,
    token: Buffer,
    confirmable: boolean,
    timeoutMs: number,
  ): Promise<CoapMessage> {
    let szx = this.ctx.block.preferredSzx;
    let offset = 0;
    for (;;) {
      const size = blockSize(szx);
      const num = offset / size;
      const more = offset + size < shape.payload.length;
      const options = [...shape.options, blockOption(CoapOption.Block1, { num, more, szx })];
      if (num === 0) options.push(uintOption(CoapOption.Size1, shape.payload.length));
      const chunk = shape.payload.subarray(offset, offset + size);
      const response = await this.exchange(
        peer,
        { ...shape, options, payload: chunk },
        token,
        confirmable,
        timeoutMs,
      );
      if (!more || response.code !== CoapCode.Continue) return response;
      const echo = safeBlock(response, CoapOption.Block1);
      offset += size;
      if (echo && echo.szx < szx) szx = echo.szx;
    }
  }

  /**
   * Block2 download (RFC 7959 §2.4): asks for the next blocks with the request's options (no Observe) until
   * M=0; an ETag that changes mid-way, a block out of order or a body past the limit fails the request.
   */
  private async download(
    peer: Peer,
    origin: RequestShape,
    first: CoapMessage,
    block: BlockValue,
    timeoutMs: number,
  ): Promise<Buffer> {
    const chunks = [first.payload];
    let total = first.payload.length;
    const etag = getOption(first, CoapOption.ETag);
    const base = origin.options.filter((o) => !NOT_REPEATED.has(o.number));
    const code = origin.code === CoapCode.FETCH ? CoapCode.FETCH : CoapCode.GET;
    const payload = code === CoapCode.FETCH ? origin.payload : EMPTY;
    let current = block;
    while (current.more) {
      if (total > this.ctx.block.maxBodyBytes) throw this.blockError('response body too large');
      const size = blockSize(current.szx);
      const num = total / size;
      const options = [...base, blockOption(CoapOption.Block2, { num, more: false, szx: current.szx })];
      const response = await this.exchange(
        peer,
        { code, options, payload },
        this.ctx.tokens.next(),
        true,
        timeoutMs,
      );
      if (codeClass(response.code) !== 2)
        throw this.blockError(`block ${num} refused with ${formatCode(response.code)}`);
      const next = safeBlock(response, CoapOption.Block2);
      if (!next || next.num * blockSize(next.szx) !== total)
        throw this.blockError(`block ${num} out of sequence`);
      const nextEtag = getOption(response, CoapOption.ETag);
      if (etag && (!nextEtag || !nextEtag.equals(etag)))
        throw this.blockError('representation changed during transfer');
      chunks.push(response.payload);
      total += response.payload.length;
      current = next;
    }
    if (total > this.ctx.block.maxBodyBytes) throw this.blockError('response body too large');
    return Buffer.concat(chunks, total);
  }

  private blockError(message: string): CoapRequestError {
    this.ctx.hooks.blockRefused?.(message);
    return new CoapRequestError('block', message);
  }
}

function safeBlock(message: CoapMessage, number: number): BlockValue | undefined {
  try {
    return blockOf(message, number);
  } catch {
    return undefined;
  }
}
