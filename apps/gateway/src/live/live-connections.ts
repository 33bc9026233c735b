import { type Principal } from '@smartcity/platform-auth';
import { hasPermission, Permission } from '../auth/permissions';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { credentialsOf } from '../graphql/subscription-auth';
import { readClientFrame, withinTokenLimit } from './client-frames';
import { CloseCode, type CloseReason, LiveConnection, type LiveSocket } from './live-connection';

export interface LiveConnectionsOptions {
  /** A connection must authenticate this soon after opening (graphql-ws `connectionInitWaitTimeout`). */
  readonly initTimeoutMs: number;
  readonly maxConnectionsPerUser: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxTokens: number;
  readonly clockToleranceSec: number;
  readonly onClose?: (reason: CloseReason) => void;
  readonly onRefresh?: () => void;
}

export interface ConnectionAuth {
  readonly principal?: Principal;
  readonly authError?: unknown;
  readonly live?: LiveConnection;
}

/** A `ws` socket as the `connection` event hands it over. */
export interface WsSocket extends LiveSocket {
  on(event: 'message', listener: (data: unknown) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

type Authenticate = (payload: unknown) => Promise<{ principal?: Principal; authError?: unknown }>;

/**
 * Lifecycle of graphql-ws connections (issue 17 item 3), beside mercurius (which has none of it): a connection
 * that does not authenticate within the init timeout is closed (4408 without `connection_init`, 4401 with bad
 * credentials); an authenticated one is closed 4401 when its token expires, unless the client sent a refreshed
 * token in a `ping` payload (`{"type":"ping","payload":{"authorization":"Bearer ..."}}`, same user and tenant);
 * a user has at most N connections (4429) and a connection at most M subscriptions. It listens to each socket
 * before mercurius does, so it has the init payload when mercurius asks for the connection's context.
 */
export class LiveConnections {
  private readonly bySocket = new WeakMap<object, LiveConnection>();
  private readonly byUser = new Map<string, Set<LiveConnection>>();

  constructor(
    private readonly authenticate: Authenticate,
    private readonly options: LiveConnectionsOptions,
  ) {}

  /** Number of open authenticated connections (metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /** Registers a new socket: called on the WebSocket server's `connection` event, before mercurius sees it. */
  accept(socket: WsSocket): void {
    const conn = new LiveConnection(socket, {
      maxSubscriptions: this.options.maxSubscriptionsPerConnection,
      clockToleranceMs: this.options.clockToleranceSec * 1000,
      onClose: (reason) => this.options.onClose?.(reason),
    });
    this.bySocket.set(socket, conn);
    const initTimer = setTimeout(() => {
      if (conn.principal || conn.closed) return;
      if (conn.initReceived) conn.close(CloseCode.Unauthorized, 'Unauthorized', 'unauthenticated');
      else conn.close(CloseCode.InitTimeout, 'Connection initialisation timeout', 'init_timeout');
    }, this.options.initTimeoutMs);
    initTimer.unref?.();
    socket.on('message', (data) => this.onFrame(conn, data));
    socket.on('close', () => {
      clearTimeout(initTimer);
      conn.ended();
      this.forget(conn);
    });
  }

  /** The connection's identity, when mercurius handles `connection_init` (its subscription context function). */
  async contextFor(socket: object): Promise<ConnectionAuth> {
    const conn = this.bySocket.get(socket);
    if (!conn) return { authError: GatewayException.unauthenticated() };
    const auth = await this.authenticate(conn.initPayload);
    if (!auth.principal) return { authError: auth.authError, live: conn };
    const mine = this.byUser.get(auth.principal.subject) ?? new Set<LiveConnection>();
    if (mine.size >= this.options.maxConnectionsPerUser) {
      conn.close(CloseCode.TooMany, 'Too many connections', 'too_many_connections');
      return {
        authError: new GatewayException(
          GatewayErrorCode.RateLimited,
          `at most ${this.options.maxConnectionsPerUser} connections per user`,
        ),
        live: conn,
      };
    }
    mine.add(conn);
    this.byUser.set(auth.principal.subject, mine);
    conn.authenticated(auth.principal);
    return { principal: auth.principal, live: conn };
  }

  private onFrame(conn: LiveConnection, data: unknown): void {
    const frame = readClientFrame(data);
    switch (frame.kind) {
      case 'init':
        if (conn.initReceived) {
          conn.close(CloseCode.TooMany, 'Too many initialisation requests', 'bad_request');
          return;
        }
        conn.initReceived = true;
        conn.initPayload = frame.payload;
        return;
      case 'ping':
        if (credentialsOf(frame.payload).authorization) void this.refresh(conn, frame.payload);
        return;
      case 'subscribe':
        if (!withinTokenLimit(frame.query, this.options.maxTokens)) {
          conn.close(CloseCode.BadRequest, 'Document too large', 'bad_request');
        }
        return;
      case 'other':
        return;
    }
  }

  /** A refreshed token keeps the connection open past the old expiry: same user, same tenant, still allowed. */
  private async refresh(conn: LiveConnection, payload: unknown): Promise<void> {
    const before = conn.principal;
    if (!before) return;
    const { tenant } = credentialsOf(conn.initPayload);
    const auth = await this.authenticate({
      authorization: credentialsOf(payload).authorization,
      ...(tenant ? { 'x-tenant': tenant } : {}),
    });
    const after = auth.principal;
    // An unusable refresh changes nothing: the connection still ends when the current token expires.
    if (!after || conn.closed) return;
    if (
      after.subject !== before.subject ||
      after.tenant !== before.tenant ||
      !hasPermission(after, Permission.SubscribeLive)
    ) {
      conn.close(CloseCode.Forbidden, 'Forbidden', 'forbidden');
      return;
    }
    conn.authenticated(after);
    this.options.onRefresh?.();
  }

  private forget(conn: LiveConnection): void {
    const subject = conn.principal?.subject;
    if (!subject) return;
    const set = this.byUser.get(subject);
    set?.delete(conn);
    if (set && set.size === 0) this.byUser.delete(subject);
  }
}
