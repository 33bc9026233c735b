import { cityEventsTopic, cityTelemetryTopic, SCHEMA_VERSION_HEADER } from '@smartcity/platform-contracts';
import { type MessageProducer, type OutgoingMessage } from '@smartcity/platform-kafka';
import { PARTNER_SCHEMA_VERSION, type PartnerEvent, type TelemetryMessage } from './partner-messages';

/** Creates a tenant's partner topics the first time the decoder publishes for it (auto-creation is off). */
export interface TenantTopics {
  ensure(tenant: string): Promise<void>;
}

const HEADERS_TELEMETRY = {
  [SCHEMA_VERSION_HEADER]: String(PARTNER_SCHEMA_VERSION),
  'content-type': 'application/json',
  'message-type': 'telemetry',
};

function eventHeaders(type: string): Record<string, string> {
  return {
    [SCHEMA_VERSION_HEADER]: String(PARTNER_SCHEMA_VERSION),
    'content-type': 'application/json',
    'message-type': type,
  };
}

/** What one flush publishes for one tenant. */
export interface TenantPartnerMessages {
  readonly tenant: string;
  readonly telemetry: readonly TelemetryMessage[];
  readonly events: readonly PartnerEvent[];
}

/**
 * Publishes to `city.<tenant>.telemetry.v1` / `city.<tenant>.events.v1` (key: device id, so one device's messages
 * stay ordered in one partition) and resolves once Kafka acknowledged everything (acks=all): the decoder commits
 * its input offsets only after that.
 */
export class PartnerPublisher {
  constructor(
    private readonly producer: MessageProducer,
    private readonly topics: TenantTopics,
  ) {}

  async publish(batches: readonly TenantPartnerMessages[]): Promise<number> {
    const sends: Promise<void>[] = [];
    let count = 0;
    for (const b of batches) {
      if (b.telemetry.length === 0 && b.events.length === 0) continue;
      await this.topics.ensure(b.tenant);
      if (b.telemetry.length > 0) {
        const messages: OutgoingMessage[] = b.telemetry.map((m) => ({
          key: m.deviceId,
          value: Buffer.from(JSON.stringify(m)),
          headers: HEADERS_TELEMETRY,
        }));
        sends.push(this.producer.send(cityTelemetryTopic(b.tenant), messages));
        count += messages.length;
      }
      if (b.events.length > 0) {
        const messages: OutgoingMessage[] = b.events.map((e) => ({
          key: e.deviceId,
          value: Buffer.from(JSON.stringify(e)),
          headers: eventHeaders(e.type),
        }));
        sends.push(this.producer.send(cityEventsTopic(b.tenant), messages));
        count += messages.length;
      }
    }
    await Promise.all(sends);
    return count;
  }
}
