import { createHash } from 'node:crypto';
import { type Peer, type PeerIdentity } from '@smartcity/coap';

/**
 * A stable text key for an authenticated identity: `psk:<identity>`, `rpk:<sha-256 of the SPKI>` or
 * `x509:<sha-256 of the leaf certificate>`. Two sessions with the same key are the same device's credential.
 */
export function identityKey(identity: PeerIdentity): string {
  switch (identity.kind) {
    case 'psk':
      return `psk:${identity.identity}`;
    case 'rpk':
      return `rpk:${createHash('sha256').update(identity.publicKey).digest('hex')}`;
    case 'x509':
      return `x509:${createHash('sha256')
        .update(identity.chain[0] ?? Buffer.alloc(0))
        .digest('hex')}`;
  }
}

/** The identity key of a peer, undefined for a NoSec peer. */
export function peerIdentityKey(peer: Peer): string | undefined {
  return peer.identity ? identityKey(peer.identity) : undefined;
}

/**
 * Whether a request comes from the registration's own device (LwM2M Transport 1.1.1 §5.2.1: the security
 * context identifies the client): the same credential over DTLS, or, for NoSec, the same transport address.
 */
export function isSameDevice(
  registration: { readonly identity?: string; readonly peerAddress: string; readonly peerPort: number },
  peer: Peer,
): boolean {
  const key = peerIdentityKey(peer);
  if (registration.identity !== undefined || key !== undefined) return registration.identity === key;
  return registration.peerAddress === peer.address && registration.peerPort === peer.port;
}
