import { type CloseReason, type DropReason } from '../connection/types';
import { type CipherSuiteName } from '../handshake/cipher-suites';

/**
 * Metric hooks, called synchronously on the hot path (keep them cheap: increment a counter). The library has no
 * metrics dependency; the application wires these to prom-client or anything else.
 */
export interface DtlsMetrics {
  handshakeCompleted?(info: {
    readonly suite: CipherSuiteName;
    readonly resumed: boolean;
    readonly durationMs: number;
  }): void;
  /** `alert` is the RFC 5246 alert name (sent or received), or the close reason (e.g. "timeout"). */
  handshakeFailed?(info: {
    readonly alert: string;
    readonly byPeer: boolean;
    readonly reason: CloseReason;
  }): void;
  /** Established sessions after each change. */
  sessions?(count: number): void;
  recordDropped?(reason: DropReason): void;
  /** A stateless HelloVerifyRequest went out (RFC 6347 §4.2.1). */
  helloVerifyRequestSent?(): void;
}
