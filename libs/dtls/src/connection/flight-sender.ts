import { type FlightItem, FlightRetransmitter } from '../handshake/flight';
import { encodeHandshakeFragment, fragmentMessage } from '../handshake/handshake-fragment';
import { ContentType, HandshakeType } from '../protocol/constants';
import { packDatagrams, type RecordLayer } from '../record/record-layer';
import { type ConnectionEnv } from './types';

interface CurrentFlight {
  readonly retransmitter: FlightRetransmitter;
  /** message_seq of the peer message this flight answers: its retransmission asks for ours again. */
  readonly answersSeq: number;
  readonly final: boolean;
  /** For a final flight: how long it is kept to answer retransmissions (RFC 6347 §4.2.4). */
  readonly until: number;
}

/**
 * Our current flight (RFC 6347 §4.2.4): encoded into records of the right epochs, fragmented to the MTU
 * (§4.2.3), packed into datagrams, resent on the retransmission timer, or on request when the peer repeats the
 * message it answers. A final flight has no timer and is kept only for a while.
 */
export class FlightSender {
  private current: CurrentFlight | undefined;

  constructor(
    private readonly env: ConnectionEnv,
    private readonly record: RecordLayer,
    private readonly destination: () => { readonly address: string; readonly port: number },
    private readonly onGiveUp: () => void,
  ) {}

  get isFinal(): boolean {
    return this.current?.final ?? false;
  }

  send(items: readonly FlightItem[], final: boolean, answersSeq: number): void {
    this.current?.retransmitter.stop();
    const retransmitter = new FlightRetransmitter(
      this.env.clock,
      this.env.retransmit,
      () => this.transmit(items),
      this.onGiveUp,
      final,
    );
    const until = final ? this.env.clock.now() + this.env.finalFlightRetentionMs : 0;
    this.current = { retransmitter, answersSeq, final, until };
    retransmitter.start();
  }

  /** The peer sent message `messageSeq` again (first fragment): it missed our answer, so resend it. */
  peerRepeated(messageSeq: number, established: boolean): void {
    const c = this.current;
    if (!c || messageSeq !== c.answersSeq) return;
    if (established && !(c.final && this.env.clock.now() < c.until)) return;
    c.retransmitter.resendOnRequest();
  }

  /** Resends now (within the retransmission budget). */
  resend(): void {
    this.current?.retransmitter.resendOnRequest();
  }

  /** The handshake is over: a non-final flight is done; a final one stays for the peer's retransmissions. */
  handshakeDone(): void {
    if (this.current && !this.current.final) this.stop();
  }

  /** Releases a final flight (the peer proved it finished, or retention expired) and the epoch-0 keys with it. */
  releaseFinal(): void {
    if (!this.current?.final) return;
    this.stop();
    this.record.forget(0);
  }

  sweep(now: number): void {
    if (this.current?.final && now >= this.current.until) this.releaseFinal();
  }

  stop(): void {
    this.current?.retransmitter.stop();
    this.current = undefined;
  }

  private transmit(items: readonly FlightItem[]): void {
    const records: Buffer[] = [];
    const mtu = this.env.mtu;
    for (const item of items) {
      if (item.kind === 'ccs') {
        records.push(this.record.seal(ContentType.changeCipherSpec, Buffer.from([1]), item.epoch));
        continue;
      }
      // A ClientHello always goes whole: a stateless server (RFC 6347 §4.2.1) cannot reassemble one.
      const whole = item.msgType === HandshakeType.clientHello;
      const room = whole ? Number.MAX_SAFE_INTEGER : mtu - this.record.overhead(item.epoch);
      for (const f of fragmentMessage(item.msgType, item.messageSeq, item.body, room)) {
        records.push(this.record.seal(ContentType.handshake, encodeHandshakeFragment(f), item.epoch));
      }
    }
    const { address, port } = this.destination();
    for (const d of packDatagrams(records, mtu)) this.env.output(d, address, port);
  }
}
