import { Inject, Injectable } from '@nestjs/common';
import { type Logger } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { GATEWAY_CONFIG, GATEWAY_LOGGER, REDIS } from '../gateway.tokens';
import { type GatewayConfig } from '../config/gateway.config';

/**
 * Drops the ingest's cached endpoint resolutions (positive and negative) after a provisioning change committed, so
 * a newly provisioned endpoint can register at once and a decommissioned one is refused at once.
 */
@Injectable()
export class DeviceCacheInvalidator {
  private readonly logger: Logger;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'DeviceCacheInvalidator' });
  }

  async invalidate(endpoints: readonly string[]): Promise<void> {
    if (endpoints.length === 0) return;
    const prefix = this.config.DEVICE_CACHE_KEY_PREFIX;
    try {
      for (let i = 0; i < endpoints.length; i += 500) {
        await this.redis.unlink(...endpoints.slice(i, i + 500).map((e) => prefix + e));
      }
    } catch (err) {
      // The change is committed; a stale cache entry expires with its TTL. Not a reason to fail the mutation.
      this.logger.warn({ err, endpoints: endpoints.length }, 'device cache invalidation failed');
    }
  }
}
