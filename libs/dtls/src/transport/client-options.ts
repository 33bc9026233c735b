import {
  createPublicKey,
  type KeyObject,
  randomBytes as nodeRandomBytes,
  type X509Certificate,
} from 'node:crypto';
import { type Clock, type DatagramTransport, systemClock } from '@smartcity/coap';
import { type ClientCredentials } from '../client/client-config';
import { loadP256PrivateKey, spkiOf } from '../crypto/signature';
import { loadCertificates } from '../crypto/x509-chain';
import { cipherSuiteByName, type CipherSuiteInfo, type CipherSuiteName } from '../handshake/cipher-suites';
import { type DtlsLimits, resolveLimits } from './limits';
import { type DtlsMetrics } from './metrics';
import { DEFAULT_MTU } from './server-options';

/** How the client authenticates (one of). */
export type DtlsClientCredentials =
  | { readonly psk: { readonly identity: string; readonly key: Buffer } }
  | {
      readonly rawPublicKey: {
        readonly privateKey: KeyObject | string | Buffer;
        /** Pin or look up the server's raw public key (DER SubjectPublicKeyInfo). */
        readonly verifyServerKey: (spki: Buffer) => boolean | Promise<boolean>;
      };
    }
  | {
      readonly certificate: {
        readonly privateKey: KeyObject | string | Buffer;
        /** Leaf first, PEM or DER. */
        readonly certificateChain: ReadonlyArray<string | Buffer>;
        readonly trustAnchors: ReadonlyArray<string | Buffer | X509Certificate>;
        /** Expected DNS name or IP in the server certificate (RFC 6125); unchecked when absent. */
        readonly serverName?: string;
      };
    };

export interface DtlsClientOptions {
  readonly transport: DatagramTransport;
  readonly credentials: DtlsClientCredentials;
  /** Offered in this order. Default: the AES_128_CCM_8 suite for the credential kind (LwM2M mandatory). */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** RFC 9146: offer a connection id (the server then routes our records by it, across address changes). */
  readonly connectionId?: boolean;
  /** Resume earlier sessions with the same server by session id (default true). */
  readonly resumeSessions?: boolean;
  /** RFC 7627: accept servers without extended_master_secret (default false). */
  readonly allowLegacyNoExtendedMasterSecret?: boolean;
  /** RFC 7627: offer extended_master_secret (default true; false only to test legacy servers). */
  readonly offerExtendedMasterSecret?: boolean;
  readonly limits?: Partial<DtlsLimits>;
  readonly metrics?: DtlsMetrics;
  readonly mtu?: number;
  readonly clock?: Clock;
  readonly randomBytes?: (n: number) => Buffer;
}

export interface ResolvedClientOptions {
  readonly credentials: ClientCredentials;
  readonly suites: readonly CipherSuiteInfo[];
  readonly limits: DtlsLimits;
  readonly clock: Clock;
  readonly randomBytes: (n: number) => Buffer;
  readonly mtu: number;
}

export function resolveClientOptions(o: DtlsClientOptions): ResolvedClientOptions {
  const c = o.credentials;
  let credentials: ClientCredentials;
  if ('psk' in c) {
    credentials = { kind: 'psk', identity: c.psk.identity, key: c.psk.key };
  } else if ('rawPublicKey' in c) {
    const privateKey = loadP256PrivateKey(c.rawPublicKey.privateKey);
    credentials = {
      kind: 'rpk',
      privateKey,
      spki: spkiOf(createPublicKey(privateKey)),
      verifyServerKey: c.rawPublicKey.verifyServerKey,
    };
  } else {
    credentials = {
      kind: 'x509',
      privateKey: loadP256PrivateKey(c.certificate.privateKey),
      chain: loadCertificates(c.certificate.certificateChain).map((x) => x.raw),
      trustAnchors: loadCertificates(c.certificate.trustAnchors),
      ...(c.certificate.serverName !== undefined ? { serverName: c.certificate.serverName } : {}),
    };
  }
  const kx = credentials.kind === 'psk' ? 'psk' : 'ecdhe_ecdsa';
  const names = o.cipherSuites ?? [
    kx === 'psk' ? 'TLS_PSK_WITH_AES_128_CCM_8' : 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8',
  ];
  const suites = names.map(cipherSuiteByName).filter((s) => s.keyExchange === kx);
  if (suites.length === 0) throw new TypeError('no configured cipher suite fits the credentials');
  return {
    credentials,
    suites,
    limits: resolveLimits(o.limits),
    clock: o.clock ?? systemClock,
    randomBytes: o.randomBytes ?? nodeRandomBytes,
    mtu: o.mtu ?? DEFAULT_MTU,
  };
}
