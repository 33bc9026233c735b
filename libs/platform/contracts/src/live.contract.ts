import { type AlarmEvent } from './city-topics.contract';
import { isTenantSlug } from './topics';

/**
 * Redis pub/sub channels of live updates, one set per tenant (decoder/gateway -> every gateway replica's GraphQL
 * subscriptions; docs/asyncapi/live-updates.md):
 *   tenant:<slug>:state     new latest values of one device   -> LiveStateMessage
 *   tenant:<slug>:alarms    alarm raised / cleared            -> AlarmEvent (the partner event)
 *   tenant:<slug>:devices   registration lifecycle            -> DeviceEvent (the partner event)
 *   tenant:<slug>:commands  device command status changes     -> the gateway's command message
 * Pub/sub is fire-and-forget: a subscriber that was not connected misses messages and re-reads the database.
 */
export type LiveChannelKind = 'state' | 'alarms' | 'devices' | 'commands';

export function liveChannel(tenant: string, kind: LiveChannelKind): string {
  if (!isTenantSlug(tenant)) throw new RangeError(`invalid tenant slug "${tenant}"`);
  return `tenant:${tenant}:${kind}`;
}

export interface LiveStateValue {
  readonly path: string;
  readonly metric: string;
  /** ISO-8601 time of the value. */
  readonly time: string;
  readonly value: number | boolean | string | null;
  readonly unit: string | null;
}

/** Values of one device that became its latest state in one decoder batch. */
export interface LiveStateMessage {
  readonly v: 1;
  readonly tenant: string;
  readonly deviceId: string;
  readonly values: readonly LiveStateValue[];
}

export type LiveAlarmMessage = AlarmEvent;
