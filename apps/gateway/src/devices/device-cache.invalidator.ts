import { Inject, Injectable } from '@nestjs/common';
import { type Logger } from '@smartcity/platform-observability';
import {
  type DeviceChange,
  invalidateDeviceDirectory,
  publishCertificateAuthorityChange,
  publishDeviceChanges,
  type Redis,
} from '@smartcity/platform-redis';
import { GATEWAY_LOGGER, REDIS } from '../gateway.tokens';

/**
 * Tells the ingest about provisioning changes after they committed: drops its cached endpoint resolutions
 * (positive and negative), so a newly provisioned endpoint can register at once, and publishes the device changes
 * it must act on at once (decommissioning, credentials: platform-redis `DEVICE_CHANGES_CHANNEL`), so a
 * decommissioned device or an old credential loses its live registration at once.
 */
@Injectable()
export class DeviceCacheInvalidator {
  private readonly logger: Logger;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'DeviceCacheInvalidator' });
  }

  async invalidate(endpoints: readonly string[]): Promise<void> {
    if (endpoints.length === 0) return;
    try {
      // The ingest's device directory cache (platform-redis owns the key format).
      for (let i = 0; i < endpoints.length; i += 500) {
        await invalidateDeviceDirectory(this.redis, endpoints.slice(i, i + 500));
      }
    } catch (err) {
      // The change is committed; a stale cache entry expires with its TTL. Not a reason to fail the mutation.
      this.logger.warn({ err, endpoints: endpoints.length }, 'device cache invalidation failed');
    }
  }

  /** Invalidates the devices' cache entries and publishes their changes. */
  async publish(changes: readonly DeviceChange[]): Promise<void> {
    if (changes.length === 0) return;
    try {
      await publishDeviceChanges(this.redis, changes);
    } catch (err) {
      // Committed already, so the mutation stands; the ingest catches up when its caches expire. Loud, because
      // until then a decommissioned device or an old credential may keep its live registration.
      this.logger.error({ err, changes: changes.length, first: changes[0] }, 'device changes not published');
    }
  }

  /** A tenant's CAs changed: the ingest reloads its trust anchors. */
  async certificateAuthoritiesChanged(tenant: string): Promise<void> {
    try {
      await publishCertificateAuthorityChange(this.redis, tenant);
    } catch (err) {
      this.logger.error({ err, tenant }, 'certificate authority change not published');
    }
  }
}
