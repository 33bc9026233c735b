import { Inject, Injectable } from '@nestjs/common';
import { type Logger } from '@smartcity/platform-observability';
import { invalidateDeviceDirectory, type Redis } from '@smartcity/platform-redis';
import { GATEWAY_LOGGER, REDIS } from '../gateway.tokens';

/**
 * Drops the ingest's cached endpoint resolutions (positive and negative) after a provisioning change committed, so
 * a newly provisioned endpoint can register at once and a decommissioned one is refused at once.
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
}
