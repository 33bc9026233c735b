import { type CoapExchange, CoapOption, getOptions } from '@smartcity/coap';
import { type Logger } from '@smartcity/platform-observability';
import { type DeviceRequestService } from '../downlink/device-request.service';
import { type IngestMetrics } from '../metrics/ingest.metrics';
import { type ObservationService } from '../observe/observation.service';
import { type RateLimiter } from '../protection/rate-limiter';
import { type LocalRegistrations, type OwnedRegistration } from '../registration/local-registrations';
import { type Registration, type RegistrationStore } from '../registration/registration';
import { type DeviceDirectory } from '../tenancy/device-directory';
import { type UplinkPublisher } from '../uplink/uplink-publisher';
import { IngestError, IngestErrorCode } from './ingest.errors';

export interface Lwm2mSettings {
  readonly instanceId: string;
  /** Seconds a registration survives past its lifetime without an Update (Core 1.1.1 §6.2.2). */
  readonly registrationGraceS: number;
}

/** The collaborators of the LwM2M request handlers (constructor-injected once, shared by the handlers). */
export class Lwm2mContext {
  constructor(
    readonly settings: Lwm2mSettings,
    readonly store: RegistrationStore,
    readonly local: LocalRegistrations,
    readonly directory: DeviceDirectory,
    readonly publisher: UplinkPublisher,
    readonly requests: DeviceRequestService,
    readonly observations: ObservationService,
    readonly endpointLimiter: RateLimiter,
    readonly tenantLimiter: RateLimiter,
    readonly metrics: IngestMetrics,
    readonly logger: Logger,
  ) {}

  expiresAt(lifetimeS: number, now: number): number {
    return now + (lifetimeS + this.settings.registrationGraceS) * 1000;
  }

  /** 4.29 when the endpoint or its tenant exceeds its rate (RFC 8516). */
  checkRate(endpoint: string, tenant: string): void {
    const endpointWait = this.endpointLimiter.take(endpoint);
    if (endpointWait > 0) {
      this.metrics.rateLimited.inc({ scope: 'endpoint' });
      throw new IngestError(IngestErrorCode.RateLimited, 'endpoint rate limit exceeded', endpointWait);
    }
    const tenantWait = this.tenantLimiter.take(tenant);
    if (tenantWait > 0) {
      this.metrics.rateLimited.inc({ scope: 'tenant' });
      throw new IngestError(IngestErrorCode.RateLimited, 'tenant rate limit exceeded', tenantWait);
    }
  }

  /**
   * Makes this instance the owner of a registration that another instance (or an earlier run of this one)
   * owned: records the owner and the device's current address in Redis, tells the other instances, and
   * re-establishes the profile's observations (the device's notifications now reach this socket).
   */
  async takeOver(
    registration: Registration,
    exchange: CoapExchange,
    now: number,
  ): Promise<OwnedRegistration | undefined> {
    const updated = await this.store.update(registration.id, {
      owner: this.settings.instanceId,
      peerAddress: exchange.peer.address,
      peerPort: exchange.peer.port,
      expiresAt: registration.expiresAt,
    });
    if (!updated) return undefined;
    const owned = this.local.put(updated, now);
    await this.store.announceOwner(updated.id, this.settings.instanceId);
    this.logger.info(
      { endpoint: updated.endpoint, registrationId: updated.id, from: registration.owner },
      'took over registration',
    );
    this.observeLater(owned);
    return owned;
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

export function uriPath(exchange: CoapExchange): string[] {
  return getOptions(exchange.request, CoapOption.UriPath).map((b) => b.toString('utf8'));
}

export function uriQuery(exchange: CoapExchange): string[] {
  return getOptions(exchange.request, CoapOption.UriQuery).map((b) => b.toString('utf8'));
}
