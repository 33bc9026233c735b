import { type Clock, type TimerHandle } from '@smartcity/coap';

/** One element of a flight (RFC 6347 §4.2.4): a handshake message or a ChangeCipherSpec, in its epoch. */
export type FlightItem =
  | {
      readonly kind: 'handshake';
      readonly msgType: number;
      readonly messageSeq: number;
      readonly body: Buffer;
      readonly epoch: number;
    }
  | { readonly kind: 'ccs'; readonly epoch: number };

export interface RetransmitPolicy {
  /** RFC 6347 §4.2.4.1: "an initial timer value of 1 second". */
  readonly initialMs: number;
  /** Doubling stops here (RFC 6347 §4.2.4.1: no less than the RFC 6298 maximum of 60 seconds). */
  readonly maxMs: number;
  /** Retransmissions of one flight before the handshake is abandoned. */
  readonly maxRetransmissions: number;
}

/**
 * The retransmission timer of one flight (RFC 6347 §4.2.4): sends it, and until `stop` resends it when the timer
 * expires, doubling the timeout each time. Retransmissions triggered by the peer's own retransmissions share the
 * same budget, so a peer (or a spoofer) can never make us send a flight more than `maxRetransmissions` more times.
 * `final` flights (the last flight of a handshake) have no timer: they are only resent on request.
 */
export class FlightRetransmitter {
  private timer: TimerHandle | undefined;
  private timeoutMs: number;
  private left: number;

  constructor(
    private readonly clock: Clock,
    private readonly policy: RetransmitPolicy,
    private readonly transmit: () => void,
    private readonly onGiveUp: () => void,
    private readonly final: boolean,
  ) {
    this.timeoutMs = policy.initialMs;
    this.left = policy.maxRetransmissions;
  }

  start(): void {
    this.transmit();
    this.arm();
  }

  /** The peer retransmitted the flight we answer with this one: resend it, if budget remains. */
  resendOnRequest(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    this.transmit();
    return true;
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.final) return;
    this.timer = this.clock.setTimeout(() => this.expire(), this.timeoutMs);
  }

  private expire(): void {
    this.timer = undefined;
    if (this.left <= 0) {
      this.onGiveUp();
      return;
    }
    this.left--;
    this.timeoutMs = Math.min(this.timeoutMs * 2, this.policy.maxMs);
    this.transmit();
    this.arm();
  }
}
