import { cityEventsTopic, cityTelemetryTopic } from '@smartcity/platform-contracts';
import { ensureTopics, type KafkaClient } from '@smartcity/platform-kafka';
import { type TenantTopics } from './partner-publisher';

/** Ensures each tenant's partner topics once per process; concurrent first publishes share one admin call. */
export class KafkaTenantTopics implements TenantTopics {
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(
    private readonly client: KafkaClient,
    private readonly partitions: number,
    private readonly replicationFactor: number,
  ) {}

  ensure(tenant: string): Promise<void> {
    let done = this.ensured.get(tenant);
    if (!done) {
      done = ensureTopics(this.client, [
        {
          topic: cityTelemetryTopic(tenant),
          partitions: this.partitions,
          replicationFactor: this.replicationFactor,
        },
        {
          topic: cityEventsTopic(tenant),
          partitions: this.partitions,
          replicationFactor: this.replicationFactor,
        },
      ]);
      this.ensured.set(tenant, done);
      // A failed attempt is forgotten so the next publish tries again.
      done.catch(() => this.ensured.delete(tenant));
    }
    return done;
  }
}
