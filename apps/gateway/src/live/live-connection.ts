import { type Principal } from '@smartcity/platform-auth';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

/**
 * Close codes (graphql-ws protocol, GRAPHQL_TRANSPORT_WS_PROTOCOL.md: 4400 bad request, 4401 unauthorized,
 * 4403 forbidden, 4408 connection initialisation timeout, 4429 too many initialisation requests; 4429 is also
 * used here for too many connections of one user) and RFC 6455 §7.4.1 1008 policy violation for slow consumers.
 */
export const CloseCode = {
  BadRequest: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  InitTimeout: 4408,
  TooMany: 4429,
  SlowConsumer: 1008,
} as const;

/** The part of a `ws` WebSocket the guard uses. */
export interface LiveSocket {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

export type CloseReason =
  | 'init_timeout'
  | 'unauthenticated'
  | 'token_expired'
  | 'too_many_connections'
  | 'forbidden'
  | 'bad_request'
  | 'slow_consumer';

const OPEN = 1;

/**
 * One graphql-ws connection: who it authenticated as, until when, and how many subscriptions it runs. Closes the
 * socket itself when its token expires (unless a refreshed token arrived) or it never authenticated.
 */
export class LiveConnection {
  private current: Principal | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private subscriptions = 0;
  /** The `connection_init` payload, once received. */
  initPayload: unknown;
  initReceived = false;
  closed = false;

  constructor(
    readonly socket: LiveSocket,
    private readonly options: {
      readonly maxSubscriptions: number;
      readonly clockToleranceMs: number;
      readonly onClose: (reason: CloseReason) => void;
    },
  ) {}

  get principal(): Principal | undefined {
    return this.current;
  }

  /** Authenticated and the token not expired (the check a delivery makes). */
  get isCurrent(): boolean {
    return (
      !this.closed &&
      this.current !== undefined &&
      this.current.expiresAt * 1000 + this.options.clockToleranceMs > Date.now()
    );
  }

  /** Sets (or replaces, on refresh) the principal and closes the socket when its token expires. */
  authenticated(principal: Principal): void {
    this.current = principal;
    clearTimeout(this.expiryTimer);
    const delay = principal.expiresAt * 1000 + this.options.clockToleranceMs - Date.now();
    if (delay <= 0) return this.close(CloseCode.Unauthorized, 'Unauthorized: token expired', 'token_expired');
    // setTimeout holds at most 2^31-1 ms (24.8 days); a token that outlives it is re-armed then.
    this.expiryTimer = setTimeout(
      () => {
        if (this.current === principal) {
          if (this.isCurrent) this.authenticated(principal);
          else this.close(CloseCode.Unauthorized, 'Unauthorized: token expired', 'token_expired');
        }
      },
      Math.min(delay, 2_147_483_647),
    );
    this.expiryTimer.unref?.();
  }

  /** Counts a new subscription; throws when the connection already runs its maximum. Returns its release. */
  openSubscription(): () => void {
    if (this.subscriptions >= this.options.maxSubscriptions) {
      throw new GatewayException(
        GatewayErrorCode.RateLimited,
        `at most ${this.options.maxSubscriptions} subscriptions per connection`,
        { limit: 'subscriptions', max: this.options.maxSubscriptions },
      );
    }
    this.subscriptions++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.subscriptions--;
    };
  }

  get activeSubscriptions(): number {
    return this.subscriptions;
  }

  close(code: number, reason: string, why: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiryTimer);
    this.options.onClose(why);
    if (this.socket.readyState === OPEN) this.socket.close(code, reason);
    // A consumer that stopped reading never completes the closing handshake: cut it after a grace period.
    setTimeout(() => this.socket.terminate(), 1_000).unref?.();
  }

  /** The socket closed (either side): timers stop. */
  ended(): void {
    this.closed = true;
    clearTimeout(this.expiryTimer);
  }
}
