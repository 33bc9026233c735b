import { type X509Certificate } from 'node:crypto';
import { loadCertificates } from '../crypto/x509-chain';
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

import { AlertDescription, ContentType, HandshakeType } from '../protocol/constants';
import { type DtlsRecord, parseDatagram } from '../record/record';
import { AddressRateLimiter } from '../server/address-rate-limiter';
import { CidIssuer } from '../server/cid-issuer';
import { type ServerHandshakeConfig } from '../server/server-config';
import { ServerConnection } from '../server/server-connection';
import { HelloGate } from '../server/hello-gate';
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
  // Replaced (never mutated) when the trust anchors change: handshakes in progress keep the config they began with.
  private config: ServerHandshakeConfig;
  private readonly metrics: DtlsMetrics;
  private readonly events = new TransportEvents();
  private readonly gate: HelloGate;
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
    this.gate = new HelloGate(clock, randomBytes, limits.cookieRotationMs);
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

  /**
   * Replaces the CAs that client certificates must chain to, for handshakes that start from now on (a tenant's CA
   * added or removed). Established sessions are not re-checked here: their owner closes those it no longer admits.
   */
  setTrustAnchors(anchors: ReadonlyArray<string | Buffer | X509Certificate>): void {
    this.config = {
      ...this.config,
      clientAuth: { ...this.config.clientAuth, trustAnchors: loadCertificates(anchors) },
    };
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
  /** RFC 6347 §4.2.1: stateless until the ClientHello returns our cookie; then a handshake may be admitted. */
  private onClientHello(record: DtlsRecord, address: string, port: number): void {
    const verdict = this.gate.inspect(record, address, port);
    if (verdict.kind === 'drop') return this.drop(verdict.reason);
    if (verdict.kind === 'verify') {
      this.metrics.helloVerifyRequestSent?.();
      this.options.transport.send(verdict.datagram, udpPeer(address, port));
      return;
    }
    const { hello, messageSeq } = verdict;
    const pending = this.index.handshake(address, port);
    if (pending) {
      if (pending.clientHelloRandom.equals(hello.random)) {
        pending.receive(record, address, port); // a retransmission: answered with our flight again
        return;
      }
      pending.close('replaced'); // the client started over
    }
    const refused = this.admission(address, port);
    if (refused) return this.drop(refused);
    const conn = new ServerConnection(
      this.env,
      this.config,
      address,
      port,
      { random: hello.random, messageSeq, recordSeq: record.sequence },
      (c, cid) => this.index.setCid(c, cid),
    );
    this.index.addHandshake(conn);
    conn.receive(record, address, port);
  }

  /** The limits a verified address must pass before any handshake state exists for it. */
  private admission(address: string, port: number): DropReason | undefined {
    const limits = this.opts.limits;
    if (this.index.handshakeCount >= limits.maxHandshakes) return 'handshake_limit';
    if (this.index.handshakesFrom(address) >= limits.maxHandshakesPerAddress) return 'handshake_limit';
    // Handshakes in progress count too: each may become a session.
    const sessionsAfter = this.index.establishedCount + this.index.handshakeCount;
    if (sessionsAfter >= limits.maxSessions && !this.index.established(address, port)) return 'session_limit';
    if (!this.rate.take(address)) return 'rate_limited';
    return undefined;
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
