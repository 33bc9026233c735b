import { cityTelemetryTopic, SCHEMA_VERSION_HEADER } from '@smartcity/platform-contracts';
import { type MessageProducer, type OutgoingMessage } from '@smartcity/platform-kafka';
import { PARTNER_SCHEMA_VERSION, type TelemetryMessage } from './partner-messages';

/** Creates a tenant's partner topics the first time the decoder publishes for it (auto-creation is off). */
export interface TenantTopics {
  ensure(tenant: string): Promise<void>;
}

const HEADERS_TELEMETRY = {
  [SCHEMA_VERSION_HEADER]: String(PARTNER_SCHEMA_VERSION),
  'content-type': 'application/json',
  'message-type': 'telemetry',
};

/** What one flush publishes for one tenant. */
export interface TenantPartnerMessages {
  readonly tenant: string;
  readonly telemetry: readonly TelemetryMessage[];
}

/**
 * Publishes to `city.<tenant>.telemetry.v1` (key: device id, so one device's messages stay ordered in one partition)
 * and resolves once Kafka acknowledged everything (acks=all): the decoder commits its input offsets only after that.
 * Telemetry messages derive from the input alone, so a retried or replayed batch publishes them again (ids are
 * stable). Events (`city.<tenant>.events.v1`) depend on what the database changed: they go through the outbox
 * (partner-events.ts, DecoderOutboxSink).
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
      if (b.telemetry.length === 0) continue;
      await this.topics.ensure(b.tenant);
      const messages: OutgoingMessage[] = b.telemetry.map((m) => ({
        key: m.deviceId,
        value: Buffer.from(JSON.stringify(m)),
        headers: HEADERS_TELEMETRY,
      }));
      sends.push(this.producer.send(cityTelemetryTopic(b.tenant), messages));
      count += messages.length;
    }
    await Promise.all(sends);
    return count;
  }
}
