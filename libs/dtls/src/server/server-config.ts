import { type KeyObject, type X509Certificate } from 'node:crypto';
import { type SessionState } from '../connection/types';
import { type CipherSuiteInfo } from '../handshake/cipher-suites';

export interface PeerAddress {
  readonly address: string;
  readonly port: number;
}

export interface ServerPskConfig {
  readonly resolve: (identity: string, peer: PeerAddress) => Promise<Buffer | undefined>;
  /** RFC 4279 §2 psk_identity_hint; without one the ServerKeyExchange is omitted. */
  readonly identityHint?: Buffer;
  /**
   * The key used for an identity `resolve` does not know, so the handshake runs on and fails exactly like a
   * wrong key (RFC 4279 §2). Deterministic per identity: repeating an unknown identity looks the same each time.
   */
  readonly standInKey: (identity: Buffer) => Buffer;
}

export interface ServerEcdsaConfig {
  readonly privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo of our key (the RFC 7250 raw public key). */
  readonly spki: Buffer;
  /** DER certificates, leaf first; without them only raw public keys can be offered. */
  readonly chain?: readonly Buffer[];
  readonly offerRawPublicKey: boolean;
}

export interface ClientAuthConfig {
  readonly trustAnchors: readonly X509Certificate[];
  readonly verifyRawPublicKey?: (spki: Buffer, peer: PeerAddress) => Promise<boolean>;
  readonly maxChainLength: number;
}

export interface ServerSessionCache {
  lookup(sessionId: Buffer): Promise<SessionState | undefined>;
  save(session: SessionState): void;
}

/** Everything a server handshake needs, resolved from the transport options. */
export interface ServerHandshakeConfig {
  /** In server preference order. */
  readonly suites: readonly CipherSuiteInfo[];
  readonly psk?: ServerPskConfig;
  readonly ecdsa?: ServerEcdsaConfig;
  readonly clientAuth: ClientAuthConfig;
  /** RFC 7627 §5.2: allow clients that do not offer extended_master_secret (default: refuse them). */
  readonly allowLegacyNoEms: boolean;
  readonly maxPskIdentityBytes: number;
  /** Issues a connection id when the client offers RFC 9146; absent when CIDs are disabled. */
  readonly issueCid?: () => Buffer;
  readonly sessions?: ServerSessionCache;
}
