import { type KeyObject } from 'node:crypto';
import { type PeerIdentity } from '@smartcity/coap';
import { type ClientCredentials } from '../client/client-config';
import { p256KeyFromSpki } from '../crypto/signature';
import { verifyCertificateChain } from '../crypto/x509-chain';
import { DtlsError } from '../errors';
import { AlertDescription, CertificateType } from '../protocol/constants';
import { type ClientAuthConfig, type PeerAddress } from '../server/server-config';
import { type CertificateMessage } from './messages/certificate';

/** Who the peer proved to be, and the key its signatures must verify with. */
export interface AuthenticatedPeer {
  readonly identity: PeerIdentity;
  readonly key: KeyObject;
}

function x509(
  chainDer: readonly Buffer[],
  opts: Parameters<typeof verifyCertificateChain>[1],
): AuthenticatedPeer {
  const chain = chainDer.map((c) => Buffer.from(c));
  const v = verifyCertificateChain(chain, opts);
  return {
    identity: { kind: 'x509', chain, commonName: v.commonName, subjectAltNames: v.subjectAltNames },
    key: v.leaf.publicKey,
  };
}

/**
 * The server's check of a client Certificate (RFC 5246 §7.4.6): an X.509 chain to a trust anchor, or a raw
 * public key (RFC 7250) the application accepts. Mutual authentication is required: an empty certificate list
 * is handshake_failure.
 */
export async function authenticateClient(
  cert: CertificateMessage,
  auth: ClientAuthConfig,
  peer: PeerAddress,
  now: number,
): Promise<AuthenticatedPeer> {
  if (cert.type === CertificateType.rawPublicKey) {
    const spki = Buffer.from(cert.spki);
    const key = p256KeyFromSpki(spki);
    const ok = auth.verifyRawPublicKey ? await auth.verifyRawPublicKey(spki, peer).catch(() => false) : false;
    if (!ok) throw new DtlsError(AlertDescription.bad_certificate, 'raw public key not accepted');
    return { identity: { kind: 'rpk', publicKey: spki }, key };
  }
  if (cert.chain.length === 0)
    throw new DtlsError(AlertDescription.handshake_failure, 'client certificate required');
  return x509(cert.chain, {
    now,
    trustAnchors: auth.trustAnchors,
    purpose: 'client',
    maxChainLength: auth.maxChainLength,
  });
}

/** The client's check of the server Certificate: the kind our credentials expect, pinned key or chain + name. */
export async function authenticateServer(
  cert: CertificateMessage,
  creds: ClientCredentials,
  now: number,
  maxChainLength: number,
): Promise<AuthenticatedPeer> {
  if (cert.type === CertificateType.rawPublicKey) {
    if (creds.kind !== 'rpk')
      throw new DtlsError(AlertDescription.unsupported_certificate, 'raw public key not expected');
    const spki = Buffer.from(cert.spki);
    const key = p256KeyFromSpki(spki);
    const ok = await Promise.resolve(creds.verifyServerKey(spki)).catch(() => false);
    if (!ok) throw new DtlsError(AlertDescription.bad_certificate, 'server raw public key not accepted');
    return { identity: { kind: 'rpk', publicKey: spki }, key };
  }
  if (creds.kind !== 'x509')
    throw new DtlsError(AlertDescription.unsupported_certificate, 'X.509 not expected');
  return x509(cert.chain, {
    now,
    trustAnchors: creds.trustAnchors,
    purpose: 'server',
    maxChainLength,
    ...(creds.serverName !== undefined ? { serverName: creds.serverName } : {}),
  });
}
