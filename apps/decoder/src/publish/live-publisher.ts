import { type Redis } from '@smartcity/platform-redis';
import { type AlarmEvent, type DeviceEvent } from './partner-messages';

/**
 * Redis pub/sub channels of live updates, one set per tenant, for the gateway's GraphQL subscriptions
 * (documented in docs/asyncapi/live-updates.md):
 *   tenant:<slug>:state    new latest values of one device  -> LiveStateMessage
 *   tenant:<slug>:alarms   alarm raised / cleared           -> AlarmEvent (same shape as the partner event)
 *   tenant:<slug>:devices  registration lifecycle           -> DeviceEvent (same shape as the partner event)
 * Pub/sub is fire-and-forget: a subscriber that is not connected misses messages and re-reads the database.
 */
export const liveChannels = {
  state: (tenant: string) => `tenant:${tenant}:state`,
  alarms: (tenant: string) => `tenant:${tenant}:alarms`,
  devices: (tenant: string) => `tenant:${tenant}:devices`,
};

export interface LiveStateMessage {
  readonly v: 1;
  readonly tenant: string;
  readonly deviceId: string;
  readonly values: readonly {
    readonly path: string;
    readonly metric: string;
    readonly time: string;
    readonly value: number | boolean | string | null;
    readonly unit: string | null;
  }[];
}

export interface LivePublisher {
  publish(channel: string, message: unknown): Promise<void>;
}

/** Publishes JSON messages with one PUBLISH each (auto-pipelined by the client: one round trip per tick). */
export class RedisLivePublisher implements LivePublisher {
  constructor(private readonly redis: Redis) {}

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(channel, JSON.stringify(message));
  }
}

export type LiveEvent = AlarmEvent | DeviceEvent;
