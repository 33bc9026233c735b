import { type Registration, type RegistrationStore } from '@smartcity/lwm2m-server';
import { type Logger } from '@smartcity/platform-observability';
import { type DeviceRequestService } from '../downlink/device-request.service';
import { type ObservationService } from '../observe/observation.service';
import {
  type DeviceContact,
  type LocalRegistrations,
  type OwnedRegistration,
} from '../registration/local-registrations';
import { type DeviceDirectory } from '../tenancy/device-directory';

/** Owner announced for a registration that ended: every instance drops its local copy. */
export const ENDED = '-';

/**
 * Which ingest instance serves a registration (ARCHITECTURE.md: the one that last heard from the device, its NAT
 * binding points there): taking a registration, handing it over, and letting go of it, with the device
 * profile's observations set up by the owner.
 */
export class RegistrationOwnership {
  constructor(
    private readonly instanceId: string,
    private readonly store: RegistrationStore,
    private readonly local: LocalRegistrations,
    private readonly directory: DeviceDirectory,
    private readonly requests: DeviceRequestService,
    private readonly observations: ObservationService,
    private readonly logger: Logger,
  ) {}

  /** A registration this instance just stored (Register, or an Update through it): it owns it now. */
  async own(
    registration: Registration,
    now: number,
    contact: DeviceContact,
    options: { announce: boolean },
  ): Promise<OwnedRegistration> {
    const owned = this.local.put(registration, now, contact);
    if (options.announce) await this.store.announceOwner(registration.id, this.instanceId);
    return owned;
  }

  /**
   * Takes over a registration another instance (or an earlier run of this one) owned: records the owner and the
   * device's current address, tells the other instances, and re-establishes the profile's observations (the
   * device's notifications now reach this socket).
   */
  async takeOver(
    registration: Registration,
    contact: DeviceContact,
    now: number,
  ): Promise<OwnedRegistration | undefined> {
    const updated = await this.store.update(registration.id, {
      owner: this.instanceId,
      peerAddress: contact.peer.address,
      peerPort: contact.peer.port,
      expiresAt: registration.expiresAt,
    });
    if (!updated) return undefined;
    const owned = await this.own(updated, now, contact, { announce: true });
    this.logger.info(
      { endpoint: updated.endpoint, registrationId: updated.id, from: registration.owner },
      'took over registration',
    );
    this.observeLater(owned);
    return owned;
  }

  /** A registration ended (De-register, replaced, expired) wherever it was held. */
  async end(id: string): Promise<void> {
    this.drop(id);
    await this.store.announceOwner(id, ENDED);
  }

  /** Forgets a registration locally and its observations (later notifications get a Reset, RFC 7641 §3.6). */
  drop(id: string): void {
    const owned = this.local.remove(id);
    if (!owned) return;
    for (const token of owned.observations.values()) this.requests.forgetObservation(owned, token);
    owned.clearObservations();
  }

  /** Applies the device profile after the response went out (the device is awake and listening then). */
  observeLater(owned: OwnedRegistration): void {
    setImmediate(() => {
      this.directory
        .resolve(owned.registration.endpoint)
        .then((device) => (device ? this.observations.apply(owned, device.observe) : undefined))
        .catch((err: unknown) =>
          this.logger.warn({ err, endpoint: owned.registration.endpoint }, 'observation setup failed'),
        );
    });
  }
}
