import { type Redis } from '@smartcity/platform-redis';
import {
  liveChannel,
  type AlarmEvent,
  type DeviceEvent,
  type LiveStateMessage,
} from '@smartcity/platform-contracts';

/** Live-update channels of a tenant (contract: `live.contract.ts` of platform-contracts). */
export const liveChannels = {
  state: (tenant: string) => liveChannel(tenant, 'state'),
  alarms: (tenant: string) => liveChannel(tenant, 'alarms'),
  devices: (tenant: string) => liveChannel(tenant, 'devices'),
};

export type { LiveStateMessage };

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
