import { type Clock, type PeerIdentity } from '@smartcity/coap';
import { type DtlsError } from '../errors';
import { type CipherSuiteInfo } from '../handshake/cipher-suites';
import { type RetransmitPolicy } from '../handshake/flight';
import { type ReassemblyLimits } from '../handshake/reassembler';

/** Why a record or datagram was discarded (RFC 6347 §4.1.2.7: silently, but counted). */
export type DropReason =
  | 'oversized_datagram'
  | 'malformed'
  | 'bad_mac'
  | 'replay'
  | 'bad_epoch'
  | 'bad_version'
  | 'bad_cid'
  | 'unknown_cid'
  | 'no_session'
  | 'bad_cookie'
  | 'unexpected'
  | 'rate_limited'
  | 'handshake_limit'
  | 'session_limit'
  | 'deferred_overflow'
  | 'queue_full'
  | 'fragment_rejected'
  | 'no_keys';

/** Why a connection ended. */
export type CloseReason =
  | 'close_notify'
  | 'peer_alert'
  | 'local_alert'
  | 'timeout'
  | 'idle'
  | 'replaced'
  | 'shutdown'
  | 'closed_by_application';

/** The state of an established session, what resumption and export carry (RFC 5246 §7.4.1.2 session state). */
export interface SessionState {
  readonly sessionId: Buffer;
  readonly masterSecret: Buffer;
  readonly cipherSuite: CipherSuiteInfo;
  /** RFC 7627: the master secret was derived from the session hash. */
  readonly extendedMasterSecret: boolean;
  readonly peerIdentity: PeerIdentity;
  /** When the full handshake that created the master secret completed (resumption lifetime runs from it). */
  readonly createdAt: number;
}

export interface ConnectionHooks {
  established(conn: ConnectionLike): void;
  closed(conn: ConnectionLike, reason: CloseReason, error?: DtlsError): void;
  applicationData(conn: ConnectionLike, data: Buffer): void;
  dropped(reason: DropReason): void;
  /** RFC 9146 §6: an authenticated, newer CID record came from another address. */
  addressChanged(conn: ConnectionLike, previous: { address: string; port: number }): void;
}

/** The part of a connection transports and hooks see. */
export interface ConnectionLike {
  readonly address: string;
  readonly port: number;
  readonly session: SessionState | undefined;
  readonly resumed: boolean;
  readonly state: 'handshake' | 'established' | 'closed';
}

export interface ConnectionEnv {
  readonly clock: Clock;
  readonly randomBytes: (n: number) => Buffer;
  /** Largest datagram we send (the path MTU minus IP/UDP headers). */
  readonly mtu: number;
  readonly retransmit: RetransmitPolicy;
  readonly reassembly: ReassemblyLimits;
  /** Records of a not-yet-keyed epoch (reordered across a ChangeCipherSpec) kept for later. */
  readonly maxDeferredRecords: number;
  /** How long the last flight of a handshake is kept to answer the peer's retransmissions (RFC 6347 §4.2.4). */
  readonly finalFlightRetentionMs: number;
  readonly output: (datagram: Buffer, address: string, port: number) => void;
  readonly hooks: ConnectionHooks;
}
