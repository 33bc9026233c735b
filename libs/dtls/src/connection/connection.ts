import { DtlsError, asDtlsError } from '../errors';
import { type FlightItem } from '../handshake/flight';
import { parseHandshakeFragments } from '../handshake/handshake-fragment';
import { type HandshakeMessage, HandshakeReassembler } from '../handshake/reassembler';
import { Transcript } from '../handshake/transcript';
import { AlertDescription, AlertLevel, ContentType, HANDSHAKE_HEADER_BYTES } from '../protocol/constants';
import { type DtlsRecord } from '../record/record';
import { type OpenedRecord, type OpenResult, RecordLayer } from '../record/record-layer';
import { FlightSender } from './flight-sender';
import {
  type CloseReason,
  type ConnectionEnv,
  type ConnectionLike,
  type DropReason,
  type SessionState,
} from './types';

const MAX_EARLY_RECORDS = 4;

type OpenFailure = Extract<OpenResult, { ok: false }>['reason'];

/**
 * What client and server connections share: the record layer, handshake message reassembly and flights with
 * retransmission (RFC 6347 §4.2), alerts, and application data once established. Subclasses implement the
 * handshake state machine in `onHandshakeMessage`, which may be async (credential callbacks); messages are
 * processed strictly one after another in message_seq order.
 */
export abstract class Connection implements ConnectionLike {
  readonly record = new RecordLayer();
  protected readonly transcript = new Transcript();
  protected reassembler: HandshakeReassembler;
  state: 'handshake' | 'established' | 'closed' = 'handshake';
  session: SessionState | undefined;
  resumed = false;
  lastActivity: number;
  readonly startedAt: number;
  /** Our next outgoing message_seq (RFC 6347 §4.2.2). */
  protected nextMessageSeq = 0;
  /** The epoch in which the peer's Finished must arrive; a record of it that fails authentication ends the handshake. */
  protected finishedEpoch: number | undefined;
  protected readonly flights: FlightSender;
  private deferred: Array<{ record: DtlsRecord; address: string; port: number }> = [];
  private early: Buffer[] = [];
  private pumping = false;

  protected constructor(
    protected readonly env: ConnectionEnv,
    public address: string,
    public port: number,
    firstPeerSeq: number,
  ) {
    this.reassembler = new HandshakeReassembler(env.reassembly, firstPeerSeq);
    this.flights = new FlightSender(
      env,
      this.record,
      () => this,
      () =>
        this.terminate(
          'timeout',
          new DtlsError(AlertDescription.handshake_failure, 'peer stopped answering'),
        ),
    );
    this.startedAt = env.clock.now();
    this.lastActivity = this.startedAt;
  }

  protected abstract onHandshakeMessage(msg: HandshakeMessage): void | Promise<void>;

  /** Authenticates and processes one record addressed to this connection; drops are reported to the hooks. */
  receive(record: DtlsRecord, address: string, port: number): 'accepted' | 'deferred' | 'dropped' {
    if (this.state === 'closed') return this.drop('no_session');
    const r = this.record.open(record);
    if (r.ok) {
      this.deliver(r.record, record, address, port);
      return 'accepted';
    }
    return this.notOpened(r.reason, record, address, port);
  }

  /** A record `record.open` refused: defer it (keys not derived yet), end the handshake, or drop it. */
  notOpened(reason: OpenFailure, record: DtlsRecord, address: string, port: number): 'deferred' | 'dropped' {
    if (reason === 'no_keys' && this.state === 'handshake') {
      if (this.deferred.length >= this.env.maxDeferredRecords) return this.drop('deferred_overflow');
      this.deferred.push({ record, address, port });
      return 'deferred';
    }
    if (reason === 'bad_mac') {
      this.authenticationFailed(record);
      return 'dropped';
    }
    return this.drop(reason);
  }

  private drop(reason: DropReason): 'dropped' {
    this.env.hooks.dropped(reason);
    return 'dropped';
  }

  /** Processes a record already opened by `record.open` (the transport tried several candidates). */
  deliver(opened: OpenedRecord, raw: DtlsRecord, address: string, port: number): void {
    if (this.state === 'established' && opened.epoch !== this.record.writeEpoch) {
      // After the handshake only the current epoch is authentic; epoch-0 leftovers (retransmissions, or a
      // spoofer) neither count as activity nor reach the protocol.
      this.env.hooks.dropped('bad_epoch');
      return;
    }
    this.record.accept(opened.epoch, opened.sequence);
    this.lastActivity = this.env.clock.now();
    if (
      this.state === 'established' &&
      raw.type === ContentType.tls12Cid &&
      opened.newest &&
      (address !== this.address || port !== this.port)
    ) {
      // RFC 9146 §6: only an authenticated record newer than all before it may move the peer address.
      const previous = { address: this.address, port: this.port };
      this.address = address;
      this.port = port;
      this.env.hooks.addressChanged(this, previous);
    }
    try {
      this.dispatch(opened);
    } catch (err) {
      this.fail(err);
    }
  }

  /** A record of this connection did not authenticate (RFC 6347 §4.1.2.7), or no candidate accepted it. */
  authenticationFailed(record: DtlsRecord): void {
    if (
      this.state === 'handshake' &&
      this.finishedEpoch !== undefined &&
      record.epoch === this.finishedEpoch &&
      this.couldBeFinished(record)
    ) {
      // The peer's first protected record is its Finished: failing to open it means the keys differ (wrong PSK,
      // or an unknown identity answered with a stand-in key, RFC 4279 §2), reported as decrypt_error. Records
      // that cannot be a Finished (a late alert or data of an earlier connection from the same address) are
      // only dropped, so they cannot abort a new handshake.
      this.fail(new DtlsError(AlertDescription.decrypt_error, 'Finished did not verify'));
      return;
    }
    this.env.hooks.dropped('bad_mac');
  }

  /** Outer type handshake (or hidden by a CID) and a protected length that fits a 12-byte Finished. */
  private couldBeFinished(record: DtlsRecord): boolean {
    if (record.type === ContentType.tls12Cid) return true;
    if (record.type !== ContentType.handshake) return false;
    const range = this.record.sealedLengthRange(record.epoch, HANDSHAKE_HEADER_BYTES + 12);
    return range !== undefined && record.fragment.length >= range[0] && record.fragment.length <= range[1];
  }

  private dispatch(r: OpenedRecord): void {
    switch (r.type) {
      case ContentType.handshake:
        return this.state === 'established' ? this.onPostHandshake(r) : this.onHandshakeRecord(r);
      case ContentType.changeCipherSpec:
        // RFC 5246 §7.1: a single byte 1. Keys switch by epoch number (RFC 6347 §4.1), so CCS carries no state.
        if (r.plaintext.length !== 1 || r.plaintext[0] !== 1)
          throw new DtlsError(AlertDescription.decode_error, 'bad CCS');
        return;
      case ContentType.alert:
        return this.onAlert(r.plaintext);
      case ContentType.applicationData:
        return this.onApplicationData(r);
      default:
        // RFC 5246 §6: unknown content types get unexpected_message; unauthenticated ones are just dropped.
        if (r.epoch === 0) return this.env.hooks.dropped('unexpected');
        throw new DtlsError(AlertDescription.unexpected_message, `content type ${r.type}`);
    }
  }

  private onHandshakeRecord(r: OpenedRecord): void {
    for (const f of parseHandshakeFragments(r.plaintext)) {
      const outcome = this.reassembler.add(f, r.epoch);
      if (outcome === 'old') {
        if (f.offset === 0) this.flights.peerRepeated(f.messageSeq, false);
      } else if (outcome !== 'buffered') {
        this.env.hooks.dropped('fragment_rejected');
      }
    }
    this.pump();
  }

  /** After the handshake: a retransmitted Finished asks for our last flight again; a new handshake is refused. */
  private onPostHandshake(r: OpenedRecord): void {
    for (const f of parseHandshakeFragments(r.plaintext)) {
      if (this.isRenegotiationRequest(f.msgType)) {
        // RFC 5746 §4.2 / RFC 5246 §7.2.2: we never renegotiate; a warning no_renegotiation declines it.
        this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
      } else if (f.messageSeq < this.reassembler.expectedSeq && f.offset === 0) {
        this.flights.peerRepeated(f.messageSeq, true);
      }
    }
  }

  protected abstract isRenegotiationRequest(msgType: number): boolean;

  private onAlert(body: Buffer): void {
    if (body.length !== 2) throw new DtlsError(AlertDescription.decode_error, 'bad alert');
    const level = body[0]!;
    const description = body[1]!;
    if (description === AlertDescription.close_notify) {
      // RFC 5246 §7.2.1: answer with our own close_notify and close immediately.
      if (this.state === 'established') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.terminate('close_notify');
    } else if (level === AlertLevel.fatal) {
      this.terminate('peer_alert', new DtlsError(description as AlertDescription, 'alert from peer', true));
    }
    // Warnings other than close_notify (e.g. no_renegotiation) need no action.
  }

  private onApplicationData(r: OpenedRecord): void {
    if (r.epoch === 0) {
      // RFC 5246 §6.2.1: application data before the first handshake completes is not allowed.
      this.env.hooks.dropped('unexpected');
      return;
    }
    if (this.state === 'handshake') {
      if (this.early.length < MAX_EARLY_RECORDS) this.early.push(Buffer.from(r.plaintext));
      else this.env.hooks.dropped('deferred_overflow');
      return;
    }
    // The peer sends data only after our Finished verified (RFC 5246 §7.4.9): our final flight is done.
    this.flights.releaseFinal();
    this.env.hooks.applicationData(this, r.plaintext);
  }

  /** Runs queued handshake messages one by one; async handlers hold the queue until they settle. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const step = (): void => {
      while (this.state === 'handshake') {
        const msg = this.reassembler.next();
        if (!msg) break;
        let result: void | Promise<void>;
        try {
          result = this.onHandshakeMessage(msg);
        } catch (err) {
          this.fail(err);
          break;
        }
        if (result instanceof Promise) {
          result.then(step, (err: unknown) => {
            this.fail(err);
            this.pumping = false;
          });
          return;
        }
      }
      this.pumping = false;
    };
    step();
  }

  /** Sends a flight, retransmitted on the RFC 6347 §4.2.4 timer unless `final`. */
  protected sendFlight(
    items: FlightItem[],
    final: boolean,
    answersSeq = this.reassembler.expectedSeq - 1,
  ): void {
    this.flights.send(items, final, answersSeq);
  }

  /** The peer retransmitted the message our current flight answers (e.g. a repeated ClientHello). */
  retransmitFlight(): void {
    this.flights.resend();
  }

  /** Housekeeping on the transport's sweep: ends retention of the final flight. */
  sweep(now: number): void {
    this.flights.sweep(now);
  }

  /** Adds a message of ours to the transcript and returns it as a flight item with the next message_seq. */
  protected message(msgType: number, body: Buffer, epoch = 0): FlightItem {
    const messageSeq = this.nextMessageSeq++;
    this.transcript.add(msgType, messageSeq, body);
    return { kind: 'handshake', msgType, messageSeq, body, epoch };
  }

  /** New keys for `epoch` are in place: records that arrived early for it are processed now. */
  protected replayDeferred(): void {
    const pending = this.deferred;
    this.deferred = [];
    for (const d of pending) this.receive(d.record, d.address, d.port);
  }

  protected establish(session: SessionState, resumed: boolean): void {
    this.session = session;
    this.resumed = resumed;
    this.state = 'established';
    this.finishedEpoch = undefined;
    this.flights.handshakeDone();
    this.env.hooks.established(this);
    const early = this.early;
    this.early = [];
    for (const data of early) if (this.state === 'established') this.env.hooks.applicationData(this, data);
  }

  sendApplicationData(data: Buffer): void {
    if (this.state !== 'established')
      throw new DtlsError(AlertDescription.internal_error, 'session not established');
    this.env.output(this.record.seal(ContentType.applicationData, data), this.address, this.port);
  }

  sendAlert(level: number, description: number): void {
    try {
      this.env.output(
        this.record.seal(ContentType.alert, Buffer.from([level, description])),
        this.address,
        this.port,
      );
    } catch {
      // An alert that cannot be sealed (exhausted sequence numbers) is not sent; the connection ends anyway.
    }
  }

  /** Ends the connection after a local failure, telling the peer with a fatal alert (RFC 5246 §7.2). */
  fail(err: unknown): void {
    if (this.state === 'closed') return;
    const e = asDtlsError(err);
    if (!e.fromPeer) this.sendAlert(AlertLevel.fatal, e.alert);
    this.terminate(e.fromPeer ? 'peer_alert' : 'local_alert', e);
  }

  /** Closes gracefully: close_notify when established (RFC 5246 §7.2.1). */
  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    if (this.state === 'established') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.terminate(reason);
  }

  /** Ends the connection without telling the peer (it was superseded, or the handshake is abandoned). */
  abandon(reason: CloseReason, error?: DtlsError): void {
    this.terminate(reason, error);
  }

  protected terminate(reason: CloseReason, error?: DtlsError): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.flights.stop();
    this.deferred = [];
    this.early = [];
    this.env.hooks.closed(this, reason, error);
  }
}
