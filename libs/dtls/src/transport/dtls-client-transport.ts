import { type DatagramListener, type DatagramTransport, type Peer, udpPeer } from '@smartcity/coap';
import { ClientConnection } from '../client/client-connection';
import {
  type CloseReason,
  type ConnectionEnv,
  type ConnectionHooks,
  type SessionState,
} from '../connection/types';
import { DtlsError } from '../errors';
import { AlertDescription } from '../protocol/constants';
import { parseDatagram } from '../record/record';
import { type DtlsTransportEvents, TransportEvents } from './events';
import { type DtlsMetrics } from './metrics';
import { type DtlsClientOptions, type ResolvedClientOptions, resolveClientOptions } from './client-options';

/** Test access to a client's connection with a server (not part of the public entry). */
const connections = new WeakMap<
  DtlsClientTransport,
  (address: string, port: number) => ClientConnection | undefined
>();
export function clientConnectionOf(
  t: DtlsClientTransport,
  address: string,
  port: number,
): ClientConnection | undefined {
  return connections.get(t)?.(address, port);
}

/** Sessions remembered for resumption, one per server. */
const MAX_CACHED_SESSIONS = 64;

interface ServerSlot {
  conn: ClientConnection;
  queue: Buffer[];
  queuedBytes: number;
  waiters: Array<{ resolve: (p: Peer) => void; reject: (e: Error) => void }>;
  peer?: Peer;
}

/**
 * DTLS 1.2 client (RFC 6347) as a `coaps` DatagramTransport: `send` to a server address opens a session first
 * (PSK, raw public key or X.509), queueing the datagrams (bounded) until the handshake completes; later sessions
 * with the same server resume by session id. Received application data comes up with the server as Peer.
 */
export class DtlsClientTransport implements DatagramTransport {
  readonly scheme = 'coaps' as const;
  private readonly opts: ResolvedClientOptions;
  private readonly metrics: DtlsMetrics;
  private readonly events = new TransportEvents();
  private readonly slots = new Map<string, ServerSlot>();
  private readonly byKey = new Map<string, ServerSlot>();
  private readonly byConn = new WeakMap<object, ServerSlot>();
  private readonly cache = new Map<string, SessionState>();
  private readonly env: ConnectionEnv;
  private listener: DatagramListener | undefined;
  private closed = false;

  constructor(private readonly options: DtlsClientOptions) {
    this.opts = resolveClientOptions(options);
    this.metrics = options.metrics ?? {};
    const { clock, randomBytes, limits } = this.opts;
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
    connections.set(this, (address, port) => this.slots.get(`${address}|${port}`)?.conn);
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
  }

  localAddress(): { address: string; port: number } {
    return this.options.transport.localAddress();
  }

  /** Sends now on an established session, or queues and starts (or waits for) the handshake. */
  send(data: Buffer, peer: Peer): void {
    const slot = this.byKey.get(peer.key) ?? this.slotFor(peer.address, peer.port);
    if (slot.conn.state === 'established') {
      slot.conn.sendApplicationData(data);
      return;
    }
    const limits = this.opts.limits;
    if (
      slot.queue.length >= limits.maxQueuedDatagrams ||
      slot.queuedBytes + data.length > limits.maxQueuedBytes
    ) {
      this.metrics.recordDropped?.('queue_full');
      return;
    }
    slot.queue.push(Buffer.from(data));
    slot.queuedBytes += data.length;
  }

  /** Opens (or reuses) the session with a server; resolves with its Peer once established. */
  connect(address: string, port: number): Promise<Peer> {
    const slot = this.slotFor(address, port);
    if (slot.conn.state === 'established' && slot.peer) return Promise.resolve(slot.peer);
    return new Promise((resolve, reject) => slot.waiters.push({ resolve, reject }));
  }

  /** Closes the session with a server (close_notify); a later send resumes it when resumption is on. */
  closeSession(address: string, port: number): void {
    this.slots.get(`${address}|${port}`)?.conn.close('closed_by_application');
  }

  /** Forgets the resumable session with a server (the next handshake is a full one). */
  forgetSession(address: string, port: number): void {
    this.cache.delete(`${address}|${port}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const slot of [...this.slots.values()]) slot.conn.close('shutdown');
    await this.options.transport.close();
  }

  private slotFor(address: string, port: number): ServerSlot {
    const key = `${address}|${port}`;
    const existing = this.slots.get(key);
    if (existing && existing.conn.state !== 'closed') return existing;
    if (this.closed) throw new DtlsError(AlertDescription.internal_error, 'transport closed');
    const resume = this.options.resumeSessions === false ? undefined : this.cache.get(key);
    const conn = new ClientConnection(
      this.env,
      {
        suites: this.opts.suites,
        credentials: this.opts.credentials,
        allowLegacyNoEms: this.options.allowLegacyNoExtendedMasterSecret ?? false,
        offerExtendedMasterSecret: this.options.offerExtendedMasterSecret ?? true,
        ...(this.options.connectionId ? { connectionId: Buffer.alloc(0) } : {}),
        ...(resume ? { resume } : {}),
        maxChainLength: this.opts.limits.maxCertificateChainLength,
      },
      address,
      port,
    );
    const slot: ServerSlot = { conn, queue: [], queuedBytes: 0, waiters: existing?.waiters ?? [] };
    this.slots.set(key, slot);
    this.byConn.set(conn, slot);
    conn.start();
    return slot;
  }

  private onDatagram(data: Buffer, address: string, port: number): void {
    if (data.length > this.opts.limits.maxDatagramBytes) {
      this.metrics.recordDropped?.('oversized_datagram');
      return;
    }
    const slot = this.slots.get(`${address}|${port}`);
    if (!slot || slot.conn.state === 'closed') {
      this.metrics.recordDropped?.('no_session');
      return;
    }
    // We offer an empty CID (RFC 9146 §3): the server sends us plain records, so no CID length to parse.
    const parsed = parseDatagram(data, 0);
    for (const record of parsed.records) slot.conn.receive(record, address, port);
    if (parsed.stopped) this.metrics.recordDropped?.('malformed');
  }

  private hooks(): ConnectionHooks {
    const slotOf = (c: object): ServerSlot | undefined => this.byConn.get(c);
    return {
      established: (c) => {
        const slot = slotOf(c);
        if (!slot || !c.session) return;
        const key = `${c.address}|${c.port}`;
        if (this.options.resumeSessions !== false && c.session.sessionId.length > 0) {
          this.cache.delete(key);
          if (this.cache.size >= MAX_CACHED_SESSIONS) this.cache.delete(this.cache.keys().next().value!);
          this.cache.set(key, c.session);
        }
        // A client's peer is the server it addressed: the key of `udpPeer(address, port)`, so the CoAP layer
        // matches the responses to the requests it sent there (RFC 7252 §5.3.2), whatever the session.
        const peer: Peer = {
          address: c.address,
          port: c.port,
          key,
          identity: c.session.peerIdentity,
        };
        slot.peer = peer;
        this.byKey.set(peer.key, slot);
        this.metrics.handshakeCompleted?.({
          suite: c.session.cipherSuite.name,
          resumed: c.resumed,
          durationMs: this.opts.clock.now() - slot.conn.startedAt,
        });
        this.events.emit('sessionEstablished', {
          peer,
          suite: c.session.cipherSuite.name,
          resumed: c.resumed,
        });
        const queue = slot.queue;
        slot.queue = [];
        slot.queuedBytes = 0;
        for (const d of queue) if (slot.conn.state === 'established') slot.conn.sendApplicationData(d);
        for (const w of slot.waiters.splice(0)) w.resolve(peer);
      },
      closed: (c, reason: CloseReason, error?: DtlsError) => {
        const slot = slotOf(c);
        if (!slot) return;
        const key = `${c.address}|${c.port}`;
        if (this.slots.get(key) === slot) this.slots.delete(key);
        if (slot.peer) this.byKey.delete(slot.peer.key);
        // RFC 5246 §7.2.2: a fatal alert invalidates the session; a failed resumption falls back to full next time.
        if (error) this.cache.delete(key);
        if (slot.waiters.length > 0) {
          const failure =
            error ?? new DtlsError(AlertDescription.handshake_failure, `session ended: ${reason}`);
          for (const w of slot.waiters.splice(0)) w.reject(failure);
        }
        if (slot.peer) {
          this.events.emit('sessionClosed', {
            peer: slot.peer,
            reason,
            ...(error ? { alert: error.alertName } : {}),
          });
        } else {
          if (slot.queue.length > 0) this.metrics.recordDropped?.('queue_full');
          this.metrics.handshakeFailed?.({
            alert: error?.alertName ?? reason,
            byPeer: error?.fromPeer ?? false,
            reason,
          });
          this.events.emit('handshakeFailed', {
            address: c.address,
            port: c.port,
            reason,
            ...(error ? { alert: error.alertName } : {}),
          });
        }
      },
      applicationData: (c, data) => {
        const slot = slotOf(c);
        if (slot?.peer) this.listener?.(data, slot.peer);
      },
      dropped: (reason) => this.metrics.recordDropped?.(reason),
      addressChanged: () => undefined,
    };
  }
}
