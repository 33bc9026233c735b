import { type OutboxRecord, type OutboxSink } from '@smartcity/platform-db';
import { type MessageProducer, type OutgoingMessage } from '@smartcity/platform-kafka';
import { type LivePublisher } from './live-publisher';
import { type TenantTopics } from './partner-publisher';

/**
 * Publishes the decoder's outbox (OutboxRelay): Kafka first, resolved once acknowledged (acks=all), then the live
 * updates, best effort (a Redis failure is counted, never holds the outbox back: live updates are at-most-once).
 */
export class DecoderOutboxSink implements OutboxSink {
  constructor(
    private readonly producer: MessageProducer,
    private readonly topics: TenantTopics,
    private readonly live: LivePublisher,
    private readonly onLiveFailure: (err: unknown) => void,
  ) {}

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    const byTopic = new Map<string, OutgoingMessage[]>();
    const tenants = new Set<string>();
    for (const r of records) {
      if (r.topic === null) continue;
      tenants.add(r.tenant);
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value: Buffer.from(JSON.stringify(r.payload)), headers: r.headers });
    }
    for (const tenant of tenants) await this.topics.ensure(tenant);
    await Promise.all([...byTopic].map(([topic, messages]) => this.producer.send(topic, messages)));
    for (const r of records) {
      if (r.liveChannel) this.live.publish(r.liveChannel, r.livePayload).catch(this.onLiveFailure);
    }
  }
}
