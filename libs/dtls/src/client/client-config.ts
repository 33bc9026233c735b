import { type KeyObject, type X509Certificate } from 'node:crypto';
import { type SessionState } from '../connection/types';
import { type CipherSuiteInfo } from '../handshake/cipher-suites';

/** What a client proves itself with, and how it checks the server. */
export type ClientCredentials =
  | { readonly kind: 'psk'; readonly identity: string; readonly key: Buffer }
  | {
      readonly kind: 'rpk';
      readonly privateKey: KeyObject;
      readonly spki: Buffer;
      /** RFC 7250: accept the server's raw public key (DER SubjectPublicKeyInfo)? */
      readonly verifyServerKey: (spki: Buffer) => boolean | Promise<boolean>;
    }
  | {
      readonly kind: 'x509';
      readonly privateKey: KeyObject;
      /** DER, leaf first. */
      readonly chain: readonly Buffer[];
      readonly trustAnchors: readonly X509Certificate[];
      /** Checked against the server certificate's SANs (RFC 6125) when set. */
      readonly serverName?: string;
    };

export interface ClientHandshakeConfig {
  /** Offered in this order; only the suites usable with the credentials. */
  readonly suites: readonly CipherSuiteInfo[];
  readonly credentials: ClientCredentials;
  /** RFC 7627 §5.2: accept a server that does not negotiate extended_master_secret (default: refuse). */
  readonly allowLegacyNoEms: boolean;
  /** RFC 7627: offer extended_master_secret (always, except to test legacy servers). */
  readonly offerExtendedMasterSecret: boolean;
  /** RFC 9146: offer a connection id; the value is the CID we want on records we receive (usually empty). */
  readonly connectionId?: Buffer;
  /** A session to resume by its id (RFC 5246 §7.3). */
  readonly resume?: SessionState;
  readonly maxChainLength: number;
}
