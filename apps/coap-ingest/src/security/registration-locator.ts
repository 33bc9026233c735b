import { type Peer } from '@smartcity/coap';
import {
  isSameDevice,
  type Registration,
  type RegistrationAuthorizer,
  type RegistrationStore,
} from '@smartcity/lwm2m-server';
import { type CredentialLookup } from './credential-lookup';

/**
 * The registration a peer holds when this instance does not know it yet (it registered through another instance,
 * or before a restart): for NoSec the one made from the peer's address, for DTLS the one of the endpoint its
 * credential belongs to (its address may have changed: a new session, a NAT rebinding). Only the same device gets it.
 */
export class RegistrationLocator {
  constructor(
    private readonly store: RegistrationStore,
    private readonly credentials: CredentialLookup,
    private readonly authorizer: RegistrationAuthorizer,
  ) {}

  async registrationOf(peer: Peer): Promise<Registration | undefined> {
    const registration = peer.identity
      ? await this.byCredential(peer)
      : await this.store.getByAddress(peer.address, peer.port);
    if (!registration || !isSameDevice(registration, peer)) return undefined;
    // Still allowed (not decommissioned since, same credential)? A takeover is rare: the check is affordable.
    const grant = await this.authorizer.authorize(registration.endpoint, peer);
    return grant.ok ? registration : undefined;
  }

  private async byCredential(peer: Peer): Promise<Registration | undefined> {
    const identity = peer.identity!;
    let endpoint: string | undefined;
    switch (identity.kind) {
      case 'psk':
        endpoint = (await this.credentials.pskOwner(identity.identity))?.endpoint;
        break;
      case 'rpk':
        endpoint = (await this.credentials.rpkOwner(identity.publicKey))?.endpoint;
        break;
      case 'x509':
        endpoint = identity.commonName;
        break;
    }
    return endpoint ? this.store.getByEndpoint(endpoint) : undefined;
  }
}
