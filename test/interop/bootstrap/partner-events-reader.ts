import { cityEventsTopic, type PartnerEvent } from '@smartcity/platform-contracts';
import { OutboxRelay, PARTNER_EVENTS_OUTBOX_SOURCE } from '@smartcity/platform-db';
import { deleteTopics, ensureTopics, KafkaConsumer, KafkaProducer } from '@smartcity/platform-kafka';
import { Pool } from 'pg';
import { KafkaTenantTopics } from '../../../apps/decoder/src/publish/kafka-tenant-topics';
import { RedisLivePublisher } from '../../../apps/decoder/src/publish/live-publisher';
import { DecoderOutboxSink } from '../../../apps/decoder/src/publish/outbox-sink';
import {
  type IngestTestWorld,
  OWNER_DATABASE_URL,
} from '../../../apps/coap-ingest/src/testing/ingest-harness';

/**
 * What a partner of the run's tenant reads on `city.<tenant>.events.v1`: the partner-events relay (the decoder's
 * OutboxRelay and sink, in-process; when a decoder runs elsewhere it may publish first, to the same topic) and a
 * consumer of the tenant's topic from its beginning.
 */
export class PartnerEventsReader {
  readonly events: PartnerEvent[] = [];
  private readonly pool = new Pool({ connectionString: OWNER_DATABASE_URL, max: 2 });
  private readonly producer: KafkaProducer;
  private readonly relay: OutboxRelay;
  private consumer: KafkaConsumer | undefined;

  constructor(private readonly world: IngestTestWorld) {
    this.producer = new KafkaProducer(world.kafka, { lingerMs: 1, sendTimeoutMs: 10_000 });
    this.relay = new OutboxRelay(
      this.pool,
      new DecoderOutboxSink(
        this.producer,
        new KafkaTenantTopics(world.kafka, 1, 1),
        new RedisLivePublisher(world.redis),
        () => undefined,
      ),
      { source: PARTNER_EVENTS_OUTBOX_SOURCE, pollMs: 100 },
    );
  }

  get topic(): string {
    return cityEventsTopic(this.world.tenant);
  }

  async start(): Promise<void> {
    await ensureTopics(this.world.kafka, [{ topic: this.topic, partitions: 1 }]);
    await this.producer.connect();
    this.relay.start();
    this.consumer = new KafkaConsumer(this.world.kafka, {
      groupId: `partner-events-test-${this.world.run}`,
      topics: [this.topic],
      fromBeginning: true,
    });
    void this.consumer.start(async (batch, control) => {
      for (const m of batch.messages) {
        if (m.value) this.events.push(JSON.parse(m.value.toString('utf8')) as PartnerEvent);
        control.markDone(m.offset);
      }
    });
  }

  async waitFor(
    predicate: (e: PartnerEvent) => boolean,
    count: number,
    timeoutMs = 30_000,
  ): Promise<PartnerEvent[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.filter(predicate);
      if (found.length >= count || Date.now() > until) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.relay.stop();
    await this.producer.close();
    await this.pool.end();
    await deleteTopics(this.world.kafka, [this.topic]).catch(() => undefined);
  }
}
