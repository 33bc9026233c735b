import { type CoapTiming, DEFAULT_COAP_TIMING, initialTimeoutMs, maxTransmitWaitMs } from '@smartcity/coap';
import { tokenDevice, tokenExchange } from './lean-datagrams';

/** What a device's outstanding exchange is. */
export const ExchangeKind = { None: 0, Register: 1, Send: 2, Deregister: 3 } as const;
export type ExchangeKind = (typeof ExchangeKind)[keyof typeof ExchangeKind];

/**
 * The outstanding CON exchanges of a lean fleet, one at most per device (RFC 7252 §4.7, NSTART = 1), kept in
 * typed arrays indexed by device: no object per device or per message. A response is matched by its token only
 * (device index + the device's exchange number, §5.3.2); an empty ACK or a Reset by the device's message id (§4.2,
 * §4.3). Retransmission follows §4.2: a random initial timeout in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR],
 * doubled after each retransmission, at most MAX_RETRANSMIT of them. Pure: time is passed in.
 */
export class ExchangeTable {
  private readonly kinds: Uint8Array;
  private readonly exchanges: Uint32Array;
  private readonly messageIds: Uint16Array;
  private readonly retransmits: Uint8Array;
  private readonly timeouts: Float64Array;
  private readonly deadlines: Float64Array;
  private readonly startedAt: Float64Array;
  private open_ = 0;

  constructor(
    readonly size: number,
    private readonly timing: CoapTiming = DEFAULT_COAP_TIMING,
    private readonly random: () => number = Math.random,
  ) {
    this.kinds = new Uint8Array(size);
    this.exchanges = new Uint32Array(size);
    this.messageIds = new Uint16Array(size);
    this.retransmits = new Uint8Array(size);
    this.timeouts = new Float64Array(size);
    this.deadlines = new Float64Array(size);
    this.startedAt = new Float64Array(size);
  }

  /** Exchanges outstanding now (the window in use). */
  get openCount(): number {
    return this.open_;
  }

  kind(device: number): ExchangeKind {
    return this.kinds[device] as ExchangeKind;
  }

  messageId(device: number): number {
    return this.messageIds[device]!;
  }

  /** Starts an exchange of a device; returns its exchange number (the token's second half). */
  open(device: number, kind: ExchangeKind, messageId: number, now: number): number {
    if (this.kinds[device] === ExchangeKind.None) this.open_++;
    this.kinds[device] = kind;
    const exchange = (this.exchanges[device]! + 1) >>> 0;
    this.exchanges[device] = exchange;
    this.messageIds[device] = messageId;
    this.retransmits[device] = 0;
    this.timeouts[device] = initialTimeoutMs(this.timing, this.random);
    this.deadlines[device] = now + this.timeouts[device]!;
    this.startedAt[device] = now;
    return exchange;
  }

  /** Ends a device's exchange (answered, given up, or refused). */
  close(device: number): void {
    if (this.kinds[device] === ExchangeKind.None) return;
    this.kinds[device] = ExchangeKind.None;
    this.deadlines[device] = 0;
    this.open_--;
  }

  /** Milliseconds since the exchange's first transmission. */
  elapsed(device: number, now: number): number {
    return now - this.startedAt[device]!;
  }

  /**
   * The device whose outstanding exchange a response (piggybacked in an ACK, or separate) answers, by token
   * only; -1 when it answers nothing outstanding (a late duplicate, an exchange already given up, a stranger).
   */
  matchResponse(datagram: Buffer): number {
    const device = tokenDevice(datagram);
    if (device < 0 || device >= this.size || this.kinds[device] === ExchangeKind.None) return -1;
    return tokenExchange(datagram) === this.exchanges[device] ? device : -1;
  }

  /**
   * An empty ACK from the device's server (§5.2.2: the response comes separately): no more retransmissions; the
   * response is awaited until MAX_TRANSMIT_WAIT from now. Returns false when the message id is not outstanding.
   */
  acknowledgeEmpty(device: number, messageId: number, now: number): boolean {
    if (this.kinds[device] === ExchangeKind.None || this.messageIds[device] !== messageId) return false;
    this.retransmits[device] = this.timing.maxRetransmit;
    this.deadlines[device] = now + maxTransmitWaitMs(this.timing);
    return true;
  }

  /** True when a Reset (§4.2) names the device's outstanding message id. */
  isOutstandingId(device: number, messageId: number): boolean {
    return this.kinds[device] !== ExchangeKind.None && this.messageIds[device] === messageId;
  }

  /**
   * Visits the exchanges whose timeout passed: `retransmit` for those with retransmissions left (their next
   * timeout doubled), then `giveUp` (after closing it) for those without.
   */
  expire(
    now: number,
    retransmit: (device: number) => void,
    giveUp: (device: number, kind: ExchangeKind) => void,
  ): void {
    if (this.open_ === 0) return;
    const deadlines = this.deadlines;
    for (let d = 0; d < this.size; d++) {
      const at = deadlines[d]!;
      if (at === 0 || at > now) continue;
      if (this.retransmits[d]! < this.timing.maxRetransmit) {
        this.retransmits[d] = this.retransmits[d]! + 1;
        this.timeouts[d] = this.timeouts[d]! * 2;
        deadlines[d] = now + this.timeouts[d]!;
        retransmit(d);
      } else {
        const kind = this.kinds[d] as ExchangeKind;
        this.close(d);
        giveUp(d, kind);
      }
    }
  }
}
