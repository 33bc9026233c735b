import {
  type DatagramListener,
  type DatagramTransport,
  type Peer,
  type TimerHandle,
  udpPeer,
} from '@smartcity/coap';
import {
  type CloseReason,
  type ConnectionEnv,
  type ConnectionHooks,
  type DropReason,
} from '../connection/types';
import { DtlsError } from '../errors';
import { CookieAuthority } from '../handshake/cookie';
import {
  encodeHandshakeFragment,
  type HandshakeFragment,
  parseHandshakeFragments,
} from '../handshake/handshake-fragment';
import { type ClientHello, encodeHelloVerifyRequest, parseClientHello } from '../handshake/messages/hello';
import {
  AlertDescription,
  ContentType,
  DTLS_1_0,
  HandshakeType,
  RECORD_HEADER_BYTES,
} from '../protocol/constants';
import { type DtlsRecord, encodeRecord, parseDatagram } from '../record/record';
import { AddressRateLimiter } from '../server/address-rate-limiter';
import { CidIssuer } from '../server/cid-issuer';
import { type ServerHandshakeConfig } from '../server/server-config';
import { ServerConnection } from '../server/server-connection';
import { type DtlsTransportEvents, TransportEvents } from './events';
import { type DtlsMetrics } from './metrics';
import {
  type DtlsServerOptions,
  type ResolvedServerOptions,
  resolveServerOptions,
  sessionCache,
} from './server-options';
import { peerKeyOf, SessionIndex } from './session-index';

/** Test access to a server's connection by peer key (not part of the public entry). */
const connections = new WeakMap<DtlsServerTransport, (peerKey: string) => ServerConnection | undefined>();
export function serverConnectionOf(t: DtlsServerTransport, peerKey: string): ServerConnection | undefined {
  return connections.get(t)?.(peerKey);
}

/**
 * DTLS 1.2 server (RFC 6347) over any DatagramTransport, itself a `coaps` DatagramTransport (RFC 7252 §9): it
 * hands up only decrypted application data, with a Peer whose `key` identifies the DTLS session (stable across
 * RFC 9146 address changes and resumption) and whose `identity` is what the device authenticated as.
 */
export class DtlsServerTransport implements DatagramTransport {
  readonly scheme = 'coaps' as const;
  private readonly opts: ResolvedServerOptions;
  private readonly config: ServerHandshakeConfig;
  private readonly metrics: DtlsMetrics;
  private readonly events = new TransportEvents();
  private readonly cookies: CookieAuthority;
  private readonly rate: AddressRateLimiter;
  private readonly cids: CidIssuer | undefined;
  private readonly index = new SessionIndex<ServerConnection>();
  private readonly env: ConnectionEnv;
  private listener: DatagramListener | undefined;
  private sweepTimer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly options: DtlsServerOptions) {
    this.opts = resolveServerOptions(options);
    const { clock, randomBytes, limits } = this.opts;
    this.metrics = options.metrics ?? {};
    this.cookies = new CookieAuthority(clock, randomBytes, limits.cookieRotationMs);
    this.rate = new AddressRateLimiter(
      clock,
      limits.handshakesPerSecondPerAddress,
      limits.handshakeBurstPerAddress,
      limits.maxTrackedAddresses,
    );
    const cid = options.connectionId;
    this.cids = cid && new CidIssuer(cid.instanceId, cid.randomBytes ?? 6, randomBytes);
    const cids = this.cids;
    this.config = {
      ...this.opts.handshake,
      ...(cids ? { issueCid: () => cids.issue((c) => this.index.byCid(c) !== undefined) } : {}),
      ...(this.opts.sessions
        ? {
            sessions: sessionCache(this.opts.sessions, clock, () =>
              this.metrics.recordDropped?.('queue_full'),
            ),
          }
        : {}),
    };
    this.env = {
      clock,
      randomBytes,
      mtu: this.opts.mtu,
      retransmit: {
        initialMs: limits.initialRetransmitMs,
        maxMs: limits.maxRetransmitMs,
        maxRetransmissions: limits.maxRetransmissions,
      },
      reassembly: {
        maxMessageBytes: limits.maxHandshakeMessageBytes,
        maxBufferedBytes: limits.maxReassemblyBytes,
        maxMessagesAhead: limits.maxMessagesAhead,
      },
      maxDeferredRecords: limits.maxDeferredRecords,
      finalFlightRetentionMs: limits.finalFlightRetentionMs,
      output: (datagram, address, port) => this.options.transport.send(datagram, udpPeer(address, port)),
      hooks: this.hooks(),
    };
    connections.set(this, (key) => this.index.byKey(key));
  }

  on<K extends keyof DtlsTransportEvents>(
    event: K,
    listener: (e: DtlsTransportEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  async start(onDatagram: DatagramListener): Promise<void> {
    this.listener = onDatagram;
    await this.options.transport.start((data, from) => this.onDatagram(data, from.address, from.port));
    this.armSweep();
  }

  localAddress(): { address: string; port: number } {
    return this.options.transport.localAddress();
  }

  /** Sends application data on an established session, found by the peer's key (or its current address). */
  send(data: Buffer, peer: Peer): void {
    const conn = this.index.byKey(peer.key) ?? this.index.established(peer.address, peer.port);
    if (!conn || conn.state !== 'established') {
      this.metrics.recordDropped?.('no_session');
      return;
    }
    conn.sendApplicationData(data);
  }

  /** Ends a session with close_notify (e.g. when the device is deprovisioned). */
  closeSession(peerKey: string): boolean {
    const conn = this.index.byKey(peerKey);
    conn?.close('closed_by_application');
    return conn !== undefined;
  }

  /** Resumable state of a session, sealed with the session key (AES-256-GCM), for another instance's store. */
  exportSession(peerKey: string): Buffer | undefined {
    const session = this.index.byKey(peerKey)?.session;
    return session && this.opts.sessions ? this.opts.sessions.sealer.seal(session) : undefined;
  }

  /** Accepts a session exported by another instance (same sealing keys) so its device can resume here. */
  async importSession(sealed: Buffer, sessionId: Buffer): Promise<boolean> {
    const s = this.opts.sessions;
    const state = s?.sealer.unseal(sealed, sessionId);
    if (!s || !state) return false;
    const ttl = s.lifetimeMs - (this.opts.clock.now() - state.createdAt);
    if (ttl <= 0) return false;
    await s.store.put(sessionId, s.sealer.seal(state), ttl);
    return true;
  }

  /** Counts for health checks and tests. */
  stats(): { sessions: number; handshakes: number; trackedAddresses: number } {
    return {
      sessions: this.index.establishedCount,
      handshakes: this.index.handshakeCount,
      trackedAddresses: this.rate.tracked,
    };
  }

  /** Peers of the established sessions. */
  peers(): Peer[] {
    return this.index.allEstablished().map((c) => this.index.peerOf(c));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.opts.clock.clearTimeout(this.sweepTimer);
    for (const c of this.index.all()) c.close('shutdown');
    await this.options.transport.close();
  }

  private onDatagram(data: Buffer, address: string, port: number): void {
    if (this.closed) return;
    if (data.length > this.opts.limits.maxDatagramBytes) return this.drop('oversized_datagram');
    const parsed = parseDatagram(data, this.cids?.length ?? 0);
    for (const record of parsed.records) this.onRecord(record, address, port);
    if (parsed.stopped) this.drop(parsed.stopped === 'unknown_cid_length' ? 'unknown_cid' : 'malformed');
  }

  private onRecord(record: DtlsRecord, address: string, port: number): void {
    if (record.type === ContentType.tls12Cid) {
      // RFC 9146 §6: the CID, not the address, selects the session.
      const conn = this.index.byCid(record.cid!);
      if (!conn) return this.drop('unknown_cid');
      conn.receive(record, address, port);
      return;
    }
    if (
      record.epoch === 0 &&
      record.type === ContentType.handshake &&
      record.fragment[0] === HandshakeType.clientHello
    ) {
      return this.onClientHello(record, address, port);
    }
    const pending = this.index.handshake(address, port);
    const established = this.index.established(address, port);
    if (!pending && !established) return this.drop('no_session');
    if (pending && established && record.epoch > 0) {
      // A new handshake from an address whose old session still lives: both own an epoch 1 (RFC 6347 §4.2.8).
      const a = pending.record.open(record);
      if (a.ok) return pending.deliver(a.record, record, address, port);
      const b = established.record.open(record);
      if (b.ok) return established.deliver(b.record, record, address, port);
      pending.notOpened(a.reason, record, address, port);
      return;
    }
    (pending ?? established)!.receive(record, address, port);
  }

  /** RFC 6347 §4.2.1: stateless until the ClientHello returns our cookie; then a handshake is admitted. */
  private onClientHello(record: DtlsRecord, address: string, port: number): void {
    let fragment: HandshakeFragment;
    let hello: ClientHello;
    try {
      const fragments = parseHandshakeFragments(record.fragment);
      // A stateless server cannot reassemble: the ClientHello must come whole in one record.
      if (
        fragments.length !== 1 ||
        fragments[0]!.offset !== 0 ||
        fragments[0]!.data.length !== fragments[0]!.length
      ) {
        return this.drop('malformed');
      }
      fragment = fragments[0]!;
      hello = parseClientHello(fragment.data);
    } catch {
      return this.drop('malformed');
    }
    if (record.version >> 8 !== 0xfe) return this.drop('bad_version');
    if (!this.cookies.verify(address, port, hello)) {
      // RFC 6347 §4.2.1: a missing or invalid cookie is answered as if there were none.
      return this.sendHelloVerifyRequest(record, fragment, hello, address, port);
    }
    const pending = this.index.handshake(address, port);
    if (pending) {
      if (pending.clientHelloRandom.equals(hello.random)) {
        pending.receive(record, address, port); // a retransmission: answered with our flight again
        return;
      }
      pending.close('replaced'); // the client started over
    }
    const limits = this.opts.limits;
    if (this.index.handshakeCount >= limits.maxHandshakes) return this.drop('handshake_limit');
    if (this.index.handshakesFrom(address) >= limits.maxHandshakesPerAddress)
      return this.drop('handshake_limit');
    // Handshakes in progress count too: each may become a session.
    const sessionsAfter = this.index.establishedCount + this.index.handshakeCount;
    if (sessionsAfter >= limits.maxSessions && !this.index.established(address, port)) {
      return this.drop('session_limit');
    }
    if (!this.rate.take(address)) return this.drop('rate_limited');
    const conn = new ServerConnection(
      this.env,
      this.config,
      address,
      port,
      { random: hello.random, messageSeq: fragment.messageSeq, recordSeq: record.sequence },
      (c, cid) => this.index.setCid(c, cid),
    );
    this.index.addHandshake(conn);
    conn.receive(record, address, port);
  }

  private sendHelloVerifyRequest(
    record: DtlsRecord,
    fragment: HandshakeFragment,
    hello: ClientHello,
    address: string,
    port: number,
  ): void {
    // RFC 6347 §4.2.1 (errata 4103): server_version DTLS 1.0 in the HelloVerifyRequest; its message_seq and
    // record sequence number are the ClientHello's, so nothing needs remembering.
    const body = encodeHelloVerifyRequest({
      serverVersion: DTLS_1_0,
      cookie: this.cookies.create(address, port, hello),
    });
    const hs = encodeHandshakeFragment({
      msgType: HandshakeType.helloVerifyRequest,
      length: body.length,
      messageSeq: fragment.messageSeq,
      offset: 0,
      data: body,
    });
    const out = encodeRecord({
      type: ContentType.handshake,
      version: DTLS_1_0,
      epoch: 0,
      sequence: record.sequence,
      fragment: hs,
    });
    // Amplification: the answer to an unverified address is never larger than what it sent (RFC 6347 §4.2.1).
    if (out.length > RECORD_HEADER_BYTES + record.fragment.length) return this.drop('malformed');
    this.metrics.helloVerifyRequestSent?.();
    this.options.transport.send(out, udpPeer(address, port));
  }

  private hooks(): ConnectionHooks {
    return {
      established: (c) => this.onEstablished(c as ServerConnection),
      closed: (c, reason, error) => this.onClosed(c as ServerConnection, reason, error),
      applicationData: (c, data) => this.listener?.(data, this.index.peerOf(c as ServerConnection)),
      dropped: (reason) => this.drop(reason),
      addressChanged: (c, previous) => this.index.moved(c as ServerConnection, previous),
    };
  }

  private onEstablished(conn: ServerConnection): void {
    const key = peerKeyOf(conn.session!);
    // The same session (resumed) or a new one from the same address supersedes what was there (RFC 6347 §4.2.8).
    for (const old of this.index.supersededBy(conn, key)) {
      if (this.index.keyOf(old) === key) this.index.markSilent(old);
      // No close_notify: the peer already moved on to the new connection and has other keys.
      old.abandon('replaced');
    }
    this.index.promote(conn, key);
    this.metrics.handshakeCompleted?.({
      suite: conn.session!.cipherSuite.name,
      resumed: conn.resumed,
      durationMs: this.opts.clock.now() - conn.startedAt,
    });
    this.metrics.sessions?.(this.index.establishedCount);
    this.events.emit('sessionEstablished', {
      peer: this.index.peerOf(conn),
      suite: conn.session!.cipherSuite.name,
      resumed: conn.resumed,
      ...(conn.localCid ? { connectionId: conn.localCid } : {}),
    });
  }

  private onClosed(conn: ServerConnection, reason: CloseReason, error?: DtlsError): void {
    const was = this.index.remove(conn);
    if (was === 'handshake') {
      this.metrics.handshakeFailed?.({
        alert: error?.alertName ?? reason,
        byPeer: error?.fromPeer ?? false,
        reason,
      });
      this.events.emit('handshakeFailed', {
        address: conn.address,
        port: conn.port,
        reason,
        ...(error ? { alert: error.alertName } : {}),
      });
    } else if (was === 'established') {
      this.metrics.sessions?.(this.index.establishedCount);
      this.events.emit('sessionClosed', {
        peer: this.index.peerOf(conn),
        reason,
        ...(error ? { alert: error.alertName } : {}),
      });
      // RFC 5246 §7.2.2: a fatal alert invalidates the session for resumption.
      if (error && this.opts.sessions && conn.session)
        this.opts.sessions.store.delete(conn.session.sessionId).catch(() => undefined);
    }
  }

  private drop(reason: DropReason): void {
    this.metrics.recordDropped?.(reason);
  }

  private armSweep(): void {
    if (this.closed) return;
    this.sweepTimer = this.opts.clock.setTimeout(() => {
      this.sweep();
      this.armSweep();
    }, this.opts.limits.sweepIntervalMs);
  }

  /** Idle sessions, stale handshakes (RFC 6347 §4.2.4 bounded retries aside), final flights, token buckets. */
  sweep(): void {
    const now = this.opts.clock.now();
    const limits = this.opts.limits;
    for (const c of this.index.all()) {
      if (c.state === 'handshake' && now - c.startedAt > limits.handshakeTimeoutMs) {
        c.fail(new DtlsError(AlertDescription.handshake_failure, 'handshake timed out'));
      } else if (c.state === 'established' && now - c.lastActivity > limits.sessionIdleMs) {
        c.close('idle');
      } else {
        c.sweep(now);
      }
    }
    this.rate.sweep();
  }
}
