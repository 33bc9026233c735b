import { type DeviceChange } from '@smartcity/platform-redis';
import { type RegistrationEvents, type RegistrationStore } from '@smartcity/lwm2m-server';
import { type Logger } from '@smartcity/platform-observability';
import { type RegistrationOwnership } from '../lwm2m/ownership';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type DeviceDirectory } from '../tenancy/device-directory';
import { type CredentialLookup } from './credential-lookup';

/** Closes a device's DTLS session (the coaps transport), when it has one here. */
export type SessionCloser = (peerKey: string) => void;

/**
 * Acts on a device change (libs/platform/redis device-changes: decommissioned, credential changed) at once, as
 * issue "Devices prove who they are" asks: cached credentials are forgotten, the live registration is removed
 * (its de-registration event published, every instance lets go of it) and its DTLS session closed, so the device's
 * next request is refused, or must come with its current credential.
 */
export class DeviceRevocation {
  constructor(
    private readonly store: RegistrationStore,
    private readonly local: LocalRegistrations,
    private readonly ownership: RegistrationOwnership,
    private readonly events: RegistrationEvents,
    private readonly credentials: CredentialLookup,
    private readonly directory: DeviceDirectory,
    private readonly closeSession: SessionCloser,
    private readonly logger: Logger,
  ) {}

  async apply(change: DeviceChange): Promise<void> {
    this.credentials.clear();
    // The device's security mode may have changed (NoSec -> PSK after its first bootstrap): the next Register must
    // not be judged by this process's memo of the old one (the Redis entry was invalidated by the publisher).
    this.directory.forget?.(change.endpoint);
    // The instance serving the device acts (every instance gets the message). A registration nobody serves any
    // more is caught where it would come back: Update and takeover re-check that the device is still allowed.
    const owned = this.local.getByEndpoint(change.endpoint);
    if (!owned || owned.registration.tenant !== change.tenant) return;
    // A rotation's new registration (made with the identity that was just promoted) is the one to keep.
    const kept = change.keepPskIdentity;
    if (kept !== undefined && owned.peer.identity?.kind === 'psk' && owned.peer.identity.identity === kept)
      return;
    if (owned.peer.identity) this.closeSession(owned.peer.key);
    const registration = owned.registration;
    // Event first, state second (as every registration change): a failure leaves it to be retried on the next.
    await this.events.deregistered(registration);
    await this.store.deregister(registration.id);
    await this.ownership.end(registration.id);
    this.logger.info({ endpoint: change.endpoint, change: change.change }, 'registration revoked');
  }

  /** After a (re)subscription some messages may have been missed: forget every cached credential. */
  resubscribed(): void {
    this.credentials.clear();
    this.directory.forget?.();
  }
}
