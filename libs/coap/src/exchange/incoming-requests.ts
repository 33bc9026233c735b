import { Block1Reassembly, type Reassembly } from '../block/block1-reassembly';
import { type BlockValue, blockOf, blockOption, blockSize, BlockOptionError } from '../block/block-option';
import { type BlockSettings } from '../block/block-settings';
import { BodyBuffer } from '../block/body-buffer';
import { blockRequestKey } from '../block/request-key';
import { serializeCoapMessage } from '../message/coap-codec';
import {
  type CoapMessage,
  type CoapOptionValue,
  CoapCode,
  CoapOption,
  CoapType,
  isCritical,
  uintOption,
  uintOptionOf,
} from '../message/coap-message';
import { type Clock } from '../time/clock';
import { type DatagramTransport } from '../transport/datagram-transport';
import { type Peer } from '../transport/peer';
import { type DedupCache } from './dedup-cache';
import { type CoapEndpointHooks, type CoapExchange, type RequestHandler } from './exchange-types';
import { ServedObservations } from './served-observations';

/** Server policies (RFC 7252 §5.4.1, §11.3, and drain on shutdown). */
export interface ServerPolicy {
  /** Peers that proved their address: exempt from the amplification limit (§11.3). */
  readonly isVerifiedPeer: (peer: Peer) => boolean;
  /** Options a request may carry that the application understands: any other critical one -> 4.02 (§5.4.1). */
  readonly understoodOptions: ReadonlySet<number>;
  /** Max-Age of the 5.03 sent to new requests while draining (s). */
  readonly drainRetryAfterS: number;
}

/** The options every LwM2M role understands in requests (RFC 7252 §5.10, RFC 7641, RFC 7959). */
export const DEFAULT_UNDERSTOOD_OPTIONS: ReadonlySet<number> = new Set<number>([
  CoapOption.UriHost,
  CoapOption.ETag,
  CoapOption.Observe,
  CoapOption.UriPort,
  CoapOption.UriPath,
  CoapOption.ContentFormat,
  CoapOption.UriQuery,
  CoapOption.Accept,
  CoapOption.Block2,
  CoapOption.Block1,
  CoapOption.Size2,
  CoapOption.Size1,
]);

/** A received message's slot in the dedup cache: the serialized answer, undefined while being processed. */
export interface DedupEntry {
  response?: Buffer;
}

interface CachedBody {
  readonly code: number;
  readonly options: readonly CoapOptionValue[];
  readonly payload: Buffer;
}

export interface IncomingContext {
  readonly transport: DatagramTransport;
  readonly clock: Clock;
  readonly dedup: DedupCache<DedupEntry>;
  readonly hooks: CoapEndpointHooks;
  readonly policy: ServerPolicy;
  readonly block: BlockSettings;
  readonly nextMessageId: () => number;
}

const EMPTY = Buffer.alloc(0);

/**
 * The server role of the message layer: deduplication of requests (§4.5), unknown critical options (§5.4.1),
 * piggybacked and NON responses (§5.2), Block1 reassembly and Block2 slicing of large responses (RFC 7959),
 * the amplification limit (§11.3), and draining at shutdown.
 */
export class IncomingRequests {
  readonly observations: ServedObservations;
  private readonly block1: Block1Reassembly;
  private readonly bodies: BodyBuffer<CachedBody>;
  private handler: RequestHandler | undefined;
  private inFlight = 0;
  private draining = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly ctx: IncomingContext) {
    this.block1 = new Block1Reassembly(new BodyBuffer<Reassembly>(ctx.clock, ctx.block), ctx.block);
    this.bodies = new BodyBuffer<CachedBody>(ctx.clock, ctx.block);
    this.observations = new ServedObservations(ctx.block);
  }

  setHandler(handler: RequestHandler): void {
    this.handler = handler;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Stops taking new requests (5.03 + Max-Age) and resolves when every accepted one was answered, or at the deadline. */
  drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = this.ctx.clock.setTimeout(resolve, timeoutMs);
      this.drainWaiters.push(() => {
        this.ctx.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.bodies.clear();
    this.observations.clear();
  }

  /** A large notification body, kept so the observer can fetch its later blocks (RFC 7959 §2.6). */
  cacheNotificationBody(peer: Peer, token: Buffer, body: CachedBody): void {
    const key = this.observations.requestKey(peer, token);
    if (key)
      this.bodies.put(key, peer.key, { ...body, options: withoutObserve(body.options) }, body.payload.length);
  }

  receive(request: CoapMessage, peer: Peer, size: number): void {
    const confirmable = request.type === CoapType.Confirmable;
    const dedupKey = `${peer.key}#${request.messageId}`;
    const seen = this.ctx.dedup.get(dedupKey);
    if (seen) {
      this.ctx.hooks.duplicate?.();
      // §4.5: a duplicate gets the same response; one still being processed is dropped (its answer will
      // go out once, and acknowledges both copies).
      if (seen.response) this.ctx.transport.send(seen.response, peer);
      return;
    }
    let unknownCritical: CoapOptionValue | undefined;
    for (const o of request.options) {
      if (isCritical(o.number) && !this.ctx.policy.understoodOptions.has(o.number)) {
        unknownCritical = o;
        break;
      }
    }
    if (unknownCritical && !confirmable) return; // §5.4.1: a NON with one is silently ignored
    const entry: DedupEntry = {};
    this.ctx.dedup.set(dedupKey, entry);
    this.inFlight++;
    const exchange = this.exchange(request, peer, size, entry);
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
        uintOption(CoapOption.MaxAge, this.ctx.policy.drainRetryAfterS),
      ]);
      return;
    }
    let block1: BlockValue | undefined;
    let block2: BlockValue | undefined;
    try {
      block1 = blockOf(request, CoapOption.Block1);
      block2 = blockOf(request, CoapOption.Block2);
    } catch (err) {
      if (!(err instanceof BlockOptionError)) throw err;
      exchange.respond(CoapCode.BadOption, [], Buffer.from(err.message)); // an invalid critical option value
      return;
    }
    if (block2 && block2.num > 0) {
      const cached = this.bodies.get(blockRequestKey(peer.key, request, request.code === CoapCode.FETCH));
      if (cached) {
        exchange.respond(cached.code, cached.options, cached.payload);
        return;
      }
    }
    if (block1) {
      const outcome = this.block1.receive(peer.key, request, block1);
      switch (outcome.kind) {
        case 'refused':
          this.ctx.hooks.blockRefused?.(outcome.reason);
          exchange.respond(outcome.code, outcome.options, Buffer.from(outcome.reason));
          return;
        case 'continue':
          exchange.respond(CoapCode.Continue, [blockOption(CoapOption.Block1, outcome.echo)]);
          return;
        case 'complete':
          this.dispatch(
            this.exchange({ ...request, payload: outcome.payload }, peer, size, entry, outcome.echo),
          );
          this.inFlight--; // the new exchange counted itself
          return;
      }
    }
    this.dispatch(exchange);
  }

  private dispatch(exchange: CoapExchange): void {
    if (this.handler) this.handler(exchange);
    else exchange.respond(CoapCode.ServiceUnavailable);
  }

  private exchange(
    request: CoapMessage,
    peer: Peer,
    size: number,
    entry: DedupEntry,
    block1Echo?: BlockValue,
  ): CoapExchange {
    if (block1Echo) this.inFlight++;
    let answered = false;
    return {
      request,
      peer,
      size,
      receivedAt: this.ctx.clock.now(),
      respond: (code, options = [], payload = EMPTY) => {
        if (answered) return;
        answered = true;
        this.inFlight--;
        const extra = block1Echo ? [blockOption(CoapOption.Block1, block1Echo)] : [];
        const bytes = this.encode(request, peer, size, code, [...options, ...extra], payload);
        entry.response = bytes;
        this.ctx.hooks.response?.(code);
        this.ctx.transport.send(bytes, peer);
        if (this.inFlight === 0 && this.drainWaiters.length > 0) {
          for (const w of this.drainWaiters.splice(0)) w();
        }
      },
    };
  }

  private encode(
    request: CoapMessage,
    peer: Peer,
    requestSize: number,
    code: number,
    options: readonly CoapOptionValue[],
    payload: Buffer,
  ): Buffer {
    const sliced = this.slice(request, peer, code, options, payload);
    const confirmable = request.type === CoapType.Confirmable;
    const response: CoapMessage = {
      type: confirmable ? CoapType.Acknowledgement : CoapType.NonConfirmable,
      code: sliced.code,
      messageId: confirmable ? request.messageId : this.ctx.nextMessageId(),
      token: request.token,
      options: sliced.options,
      payload: sliced.payload,
    };
    let bytes = serializeCoapMessage(response);
    // §11.3: toward a peer whose address is not verified, never send more than 3x what it sent.
    if (bytes.length > 3 * requestSize && !this.ctx.policy.isVerifiedPeer(peer)) {
      this.ctx.hooks.amplificationLimited?.();
      bytes = serializeCoapMessage({ ...response, payload: EMPTY });
      if (bytes.length > 3 * requestSize)
        bytes = serializeCoapMessage({ ...response, payload: EMPTY, options: [] });
    }
    return bytes;
  }

  /**
   * RFC 7959 §2.4: a body larger than the block size (ours, or a smaller one the client asked for) goes out
   * one block at a time; block 0 carries Size2 (§4) and the body is cached for the later block requests.
   */
  private slice(
    request: CoapMessage,
    peer: Peer,
    code: number,
    options: readonly CoapOptionValue[],
    payload: Buffer,
  ): CachedBody {
    let requested: BlockValue | undefined;
    try {
      requested = blockOf(request, CoapOption.Block2);
    } catch {
      requested = undefined;
    }
    const szx = Math.min(requested?.szx ?? this.ctx.block.preferredSzx, this.ctx.block.preferredSzx);
    const size = blockSize(szx);
    const observeAccepted = code >> 5 === 2 && uintOptionOf(request, CoapOption.Observe) === 0;
    if (observeAccepted)
      this.observations.add(
        peer,
        request.token,
        blockRequestKey(peer.key, request, request.code === CoapCode.FETCH),
      );
    if (payload.length <= size && !(requested && requested.num > 0)) return { code, options, payload };
    const offset = requested ? requested.num * blockSize(requested.szx) : 0;
    if (offset >= payload.length && offset > 0) {
      return { code: CoapCode.BadOption, options: [], payload: Buffer.from('block number beyond the end') };
    }
    const num = offset / size;
    const more = offset + size < payload.length;
    const blockOptions = [...options, blockOption(CoapOption.Block2, { num, more, szx })];
    if (num === 0) blockOptions.push(uintOption(CoapOption.Size2, payload.length));
    if (more && num === 0) {
      const key = blockRequestKey(peer.key, request, request.code === CoapCode.FETCH);
      this.bodies.put(key, peer.key, { code, options: withoutObserve(options), payload }, payload.length);
    }
    return { code, options: blockOptions, payload: payload.subarray(offset, offset + size) };
  }
}

/** Later blocks answer plain GETs: they carry no Observe option (RFC 7959 §2.6). */
function withoutObserve(options: readonly CoapOptionValue[]): readonly CoapOptionValue[] {
  return options.filter((o) => o.number !== CoapOption.Observe);
}
