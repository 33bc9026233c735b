import { type CoapMessage } from '../message/coap-message';
import { type Clock, type RandomSource, type TimerHandle } from '../time/clock';
import { type DatagramTransport } from '../transport/datagram-transport';
import { type Peer } from '../transport/peer';
import { type CoapTiming, initialTimeoutMs } from './timing';

export interface TransmissionCallbacks {
  /** An ACK arrived (empty, or carrying a piggybacked response). */
  onAck(message: CoapMessage): void;
  onReset(): void;
  /** MAX_RETRANSMIT retransmissions went unacknowledged. */
  onGiveUp(): void;
}

interface Transmission extends TransmissionCallbacks {
  readonly key: string;
  readonly datagram: Buffer;
  readonly peer: Peer;
  retransmissions: number;
  timeoutMs: number;
  timer: TimerHandle | undefined;
}

/**
 * Reliable transmission of our Confirmable messages (RFC 7252 §4.2): retransmits the same datagram with
 * exponential back-off from a random initial timeout (§4.8) until an ACK or RST with its message id arrives
 * from the same peer, or MAX_RETRANSMIT is reached. Matching is by peer + message id (§4.4).
 */
export class Retransmitter {
  private readonly pending = new Map<string, Transmission>();

  constructor(
    private readonly transport: DatagramTransport,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly timing: CoapTiming,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  send(peer: Peer, messageId: number, datagram: Buffer, callbacks: TransmissionCallbacks): void {
    const t: Transmission = {
      key: `${peer.key}#${messageId}`,
      datagram,
      peer,
      retransmissions: 0,
      timeoutMs: initialTimeoutMs(this.timing, this.random),
      timer: undefined,
      ...callbacks,
    };
    this.pending.get(t.key)?.onGiveUp(); // a reused message id replaces an ancient transmission
    this.pending.set(t.key, t);
    this.transport.send(datagram, peer);
    this.arm(t);
  }

  /** Routes an ACK or RST; false when it matches nothing (§4.2: then it is silently ignored). */
  receive(message: CoapMessage, peer: Peer, isReset: boolean): boolean {
    const key = `${peer.key}#${message.messageId}`;
    const t = this.pending.get(key);
    if (!t) return false;
    this.pending.delete(key);
    this.clock.clearTimeout(t.timer);
    if (isReset) t.onReset();
    else t.onAck(message);
    return true;
  }

  /** Stops retransmitting (the exchange ended another way); no callback fires. */
  cancel(peer: Peer, messageId: number): void {
    const key = `${peer.key}#${messageId}`;
    const t = this.pending.get(key);
    if (!t) return;
    this.pending.delete(key);
    this.clock.clearTimeout(t.timer);
  }

  /** Ends every transmission with onGiveUp (endpoint closing). */
  clear(): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const t of all) {
      this.clock.clearTimeout(t.timer);
      t.onGiveUp();
    }
  }

  private arm(t: Transmission): void {
    t.timer = this.clock.setTimeout(() => {
      if (this.pending.get(t.key) !== t) return;
      if (t.retransmissions >= this.timing.maxRetransmit) {
        this.pending.delete(t.key);
        t.onGiveUp();
        return;
      }
      t.retransmissions++;
      t.timeoutMs *= 2;
      this.transport.send(t.datagram, t.peer);
      this.arm(t);
    }, t.timeoutMs);
  }
}
