import { cityEventsTopic, cityTelemetryTopic, cityTopicPrefix } from '@smartcity/platform-contracts';
import { type TopicGrant } from '@smartcity/platform-kafka';

/** The partner topics of a city (docs/partners/contract.md). */
export enum PartnerTopic {
  /** `city.<tenant>.telemetry.v1`: normalized measurements. */
  TELEMETRY = 'TELEMETRY',
  /** `city.<tenant>.events.v1`: alarms, device lifecycle, command outcomes. */
  EVENTS = 'EVENTS',
}

/**
 * Both topics: one PREFIXED ACL on `city.<tenant>.` (every partner topic of the city, per-category ones included);
 * one topic: a LITERAL ACL on it alone.
 */
export function topicGrants(tenant: string, topics: readonly PartnerTopic[]): TopicGrant[] {
  const set = new Set(topics);
  if (set.has(PartnerTopic.TELEMETRY) && set.has(PartnerTopic.EVENTS))
    return [{ name: cityTopicPrefix(tenant), prefixed: true }];
  return [...set].map((t) => ({
    name: t === PartnerTopic.TELEMETRY ? cityTelemetryTopic(tenant) : cityEventsTopic(tenant),
    prefixed: false,
  }));
}
