import {
  createHmac,
  type KeyObject,
  randomBytes as nodeRandomBytes,
  type X509Certificate,
} from 'node:crypto';
import { type Clock, type DatagramTransport, systemClock } from '@smartcity/coap';
import { type SessionState } from '../connection/types';
import { loadP256PrivateKey, spkiOf } from '../crypto/signature';
import { loadCertificates } from '../crypto/x509-chain';
import { cipherSuiteByName, type CipherSuiteName } from '../handshake/cipher-suites';
import {
  type PeerAddress,
  type ServerHandshakeConfig,
  type ServerSessionCache,
} from '../server/server-config';
import { type SealingKey, SessionSealer } from '../session/session-sealer';
import { InMemorySessionStore, type SessionStore } from '../session/session-store';
import { type DtlsLimits, resolveLimits } from './limits';
import { type DtlsMetrics } from './metrics';

export interface DtlsServerOptions {
  /** The datagram service underneath, usually UDP (RFC 6347 §4.1). */
  readonly transport: DatagramTransport;
  /** PSK authentication (RFC 4279). `resolvePsk` returns the key for an identity, or undefined if unknown. */
  readonly psk?: {
    readonly resolvePsk: (identity: string, peer: PeerAddress) => Promise<Buffer | undefined>;
    readonly identityHint?: string;
  };
  /** Our ECDSA P-256 key for TLS_ECDHE_ECDSA_*: with a certificate chain (X.509) and/or as a raw public key. */
  readonly certificate?: {
    readonly privateKey: KeyObject | string | Buffer;
    /** Leaf first, PEM or DER. Without it only RFC 7250 raw public keys are offered. */
    readonly certificateChain?: ReadonlyArray<string | Buffer>;
    /** Offer our raw public key to clients that ask for one (default true). */
    readonly offerRawPublicKey?: boolean;
  };
  /** How devices prove who they are in ECDHE_ECDSA handshakes (mutual authentication is always required). */
  readonly clientAuthentication?: {
    /** X.509: chains must end at one of these. */
    readonly trustAnchors?: ReadonlyArray<string | Buffer | X509Certificate>;
    /** RFC 7250: decide on a device's raw public key (DER SubjectPublicKeyInfo). */
    readonly verifyRawPublicKey?: (spki: Buffer, peer: PeerAddress) => Promise<boolean>;
  };
  /** Server preference order. Default: PSK and ECDHE_ECDSA with AES_128_CCM_8; add the CBC suite for legacy. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** RFC 7627: accept clients without extended_master_secret. Default false: they get handshake_failure. */
  readonly allowLegacyNoExtendedMasterSecret?: boolean;
  /** RFC 9146 connection ids: `instanceId` prefixes every CID we issue, followed by `randomBytes` (default 6). */
  readonly connectionId?: { readonly instanceId: Buffer; readonly randomBytes?: number };
  /**
   * Resumption by session id (RFC 5246 §7.3). Default: an in-memory store and a random sealing key. A shared
   * store plus shared `sealingKeys` lets any instance resume any session. `false` disables it.
   */
  readonly sessionResumption?:
    | false
    | {
        readonly store?: SessionStore;
        readonly sealingKeys?: readonly SealingKey[];
        readonly lifetimeMs?: number;
      };
  readonly limits?: Partial<DtlsLimits>;
  readonly metrics?: DtlsMetrics;
  /** Largest datagram we send (default 1280 - 48, the IPv6 minimum MTU less IPv6 and UDP headers). */
  readonly mtu?: number;
  readonly clock?: Clock;
  /** Randomness for cookies secrets, randoms, session ids, CIDs and CBC IVs (default node:crypto). */
  readonly randomBytes?: (n: number) => Buffer;
}

export const DEFAULT_SERVER_SUITES: readonly CipherSuiteName[] = [
  'TLS_PSK_WITH_AES_128_CCM_8',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8',
];
export const DEFAULT_MTU = 1232;
export const DEFAULT_SESSION_LIFETIME_MS = 24 * 3_600_000;

export interface ResolvedServerOptions {
  readonly handshake: Omit<ServerHandshakeConfig, 'issueCid' | 'sessions'>;
  readonly limits: DtlsLimits;
  readonly clock: Clock;
  readonly randomBytes: (n: number) => Buffer;
  readonly mtu: number;
  readonly sessions?: {
    readonly store: SessionStore;
    readonly sealer: SessionSealer;
    readonly lifetimeMs: number;
  };
}

export function resolveServerOptions(o: DtlsServerOptions): ResolvedServerOptions {
  const clock = o.clock ?? systemClock;
  const randomBytes = o.randomBytes ?? nodeRandomBytes;
  const limits = resolveLimits(o.limits);
  const suites = (o.cipherSuites ?? DEFAULT_SERVER_SUITES).map(cipherSuiteByName);
  // A key for identities the PSK callback does not know, different per server instance start.
  const standInSecret = randomBytes(32);
  const psk = o.psk && {
    resolve: o.psk.resolvePsk,
    ...(o.psk.identityHint !== undefined ? { identityHint: Buffer.from(o.psk.identityHint, 'utf8') } : {}),
    standInKey: (identity: Buffer) =>
      createHmac('sha256', standInSecret).update(identity).digest().subarray(0, 16),
  };
  let ecdsa: ServerHandshakeConfig['ecdsa'];
  if (o.certificate) {
    const privateKey = loadP256PrivateKey(o.certificate.privateKey);
    const chain = loadCertificates(o.certificate.certificateChain ?? []).map((c) => c.raw);
    ecdsa = {
      privateKey,
      spki: spkiOf(privateKey),
      chain,
      offerRawPublicKey: o.certificate.offerRawPublicKey ?? true,
    };
  }
  const auth = o.clientAuthentication;
  const clientAuth = {
    trustAnchors: loadCertificates(auth?.trustAnchors ?? []),
    ...(auth?.verifyRawPublicKey ? { verifyRawPublicKey: auth.verifyRawPublicKey } : {}),
    maxChainLength: limits.maxCertificateChainLength,
  };
  const resumption = o.sessionResumption;
  const sessions =
    resumption === false
      ? undefined
      : {
          store: resumption?.store ?? new InMemorySessionStore(10_000, clock),
          sealer: new SessionSealer(
            resumption?.sealingKeys ?? [{ id: 'local', key: randomBytes(32) }],
            randomBytes,
          ),
          lifetimeMs: resumption?.lifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS,
        };
  return {
    handshake: {
      suites,
      ...(psk ? { psk } : {}),
      ...(ecdsa ? { ecdsa } : {}),
      clientAuth,
      allowLegacyNoEms: o.allowLegacyNoExtendedMasterSecret ?? false,
      maxPskIdentityBytes: limits.maxPskIdentityBytes,
    },
    limits,
    clock,
    randomBytes,
    mtu: o.mtu ?? DEFAULT_MTU,
    ...(sessions ? { sessions } : {}),
  };
}

/** The handshake's view of the session store: sealed blobs in, session state out, lifetime enforced. */
export function sessionCache(
  s: NonNullable<ResolvedServerOptions['sessions']>,
  clock: Clock,
  onError: () => void,
): ServerSessionCache {
  return {
    async lookup(sessionId: Buffer): Promise<SessionState | undefined> {
      const sealed = await s.store.get(sessionId);
      const state = sealed && s.sealer.unseal(sealed, sessionId);
      if (!state || clock.now() - state.createdAt > s.lifetimeMs) return undefined;
      return state;
    },
    save(session: SessionState): void {
      const ttl = s.lifetimeMs - (clock.now() - session.createdAt);
      if (ttl <= 0) return;
      s.store.put(session.sessionId, s.sealer.seal(session), ttl).catch(onError);
    },
  };
}
