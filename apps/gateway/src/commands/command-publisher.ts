import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  cityEventsTopic,
  deviceKey,
  type DownlinkRequest,
  downlinkContract,
  TOPIC_PARTITIONS,
  TOPICS,
} from '@smartcity/platform-contracts';
import { ensureTopics, type KafkaClient, KafkaProducer } from '@smartcity/platform-kafka';
import { type Logger, type Tracing } from '@smartcity/platform-observability';
import { type GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG, GATEWAY_LOGGER, KAFKA_CLIENT, TRACING } from '../gateway.tokens';
import { type CommandEvent } from './command.mapping';
import { type CommandsConfig } from './commands.config';
import { COMMANDS_CONFIG } from './commands.tokens';

/** Produces device requests on `lwm2m.downlink.v1` and command outcomes on `city.<tenant>.events.v1`. */
@Injectable()
export class CommandPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly producer: KafkaProducer;
  private readonly partnerProducer: KafkaProducer;
  private readonly logger: Logger;
  private readonly eventTopics = new Set<string>();

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(COMMANDS_CONFIG) private readonly config: CommandsConfig,
    @Inject(GATEWAY_CONFIG) private readonly gateway: GatewayConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    @Inject(TRACING) tracing: Tracing,
  ) {
    this.logger = logger.child({ context: 'CommandPublisher' });
    // Traced: each send is a span under the command's, its traceparent in the headers of the downlink requests (the
    // ingest continues the trace).
    this.producer = new KafkaProducer(kafka, { lingerMs: 1, sendTimeoutMs: 5000, tracing });
    // Untraced: partner events (`city.*`) carry only the headers of their AsyncAPI contract
    // (docs/asyncapi/asyncapi.yaml), never the platform's internal trace context.
    this.partnerProducer = new KafkaProducer(kafka, { lingerMs: 1, sendTimeoutMs: 5000 });
  }

  async onModuleInit(): Promise<void> {
    const topic = this.config.COMMANDS_DOWNLINK_TOPIC;
    await ensureTopics(this.kafka, [
      { topic, partitions: topic === TOPICS.downlink ? TOPIC_PARTITIONS[TOPICS.downlink] : 3 },
    ]);
    await this.producer.connect();
    if (this.partnerEventsOn()) await this.partnerProducer.connect();
  }

  async onModuleDestroy(): Promise<void> {
    for (const producer of [this.producer, this.partnerProducer]) {
      await producer.close().catch((err: unknown) => this.logger.warn({ err }, 'producer close failed'));
    }
  }

  private partnerEventsOn(): boolean {
    return this.config.COMMANDS_PARTNER_EVENTS === 'true';
  }

  /** Key `<tenant>/<endpoint>`: one device's requests stay in order on one partition. */
  send(requests: readonly DownlinkRequest[]): Promise<void> {
    return this.producer.sendTyped(
      this.config.COMMANDS_DOWNLINK_TOPIC,
      downlinkContract,
      requests.map((r) => ({ key: deviceKey(r.tenant, r.endpoint), value: r })),
    );
  }

  /** Partner events (key: device id). The tenant's topic is created on first use when the tenant predates it. */
  async events(tenant: string, events: readonly CommandEvent[]): Promise<void> {
    if (!this.partnerEventsOn() || events.length === 0) return;
    const topic = cityEventsTopic(tenant);
    if (!this.eventTopics.has(topic)) {
      await ensureTopics(this.kafka, [
        {
          topic,
          partitions: this.gateway.TENANT_TOPIC_PARTITIONS,
          replicationFactor: this.gateway.TENANT_TOPIC_REPLICATION,
        },
      ]);
      this.eventTopics.add(topic);
    }
    await this.partnerProducer.send(
      topic,
      events.map((e) => ({ key: e.deviceId, value: Buffer.from(JSON.stringify(e)) })),
    );
  }
}
