import { Inject, Injectable } from '@nestjs/common';
import { type Redis } from '@smartcity/platform-redis';
import { type GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';

/** The fields of the ingest's registration record (libs/lwm2m/server `Registration`) a conformance run reads. */
export interface LiveRegistration {
  readonly id: string;
  readonly endpoint: string;
  readonly tenant: string;
  readonly deviceId: string;
  readonly lwm2mVersion: string;
  readonly lifetime: number;
  readonly binding: string;
  readonly queueMode: boolean;
  readonly links: string;
  readonly registeredAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
}

/**
 * Reads an endpoint's live registration from the ingest's shared store in Redis (`<prefix>ep:<endpoint>` -> id,
 * `<prefix>reg:<id>` JSON, apps/coap-ingest RedisRegistrationStore): the object links and content formats a
 * conformance run needs, and the Register/Update times its registration cases wait for. Read only.
 */
@Injectable()
export class RegistrationReader {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async get(endpoint: string): Promise<LiveRegistration | undefined> {
    const prefix = this.config.INGEST_REDIS_KEY_PREFIX;
    const id = await this.redis.get(`${prefix}ep:${endpoint}`);
    if (!id) return undefined;
    const json = await this.redis.get(`${prefix}reg:${id}`);
    if (!json) return undefined;
    const r = JSON.parse(json) as LiveRegistration;
    return r.expiresAt > Date.now() ? r : undefined;
  }
}
