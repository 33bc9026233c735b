import {
  type DownlinkRequest,
  downlinkContract,
  downlinkResultContract,
  deviceKey,
  topicSpec,
  TOPICS,
} from '@smartcity/platform-contracts';
import {
  ensureTopics,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  startProcessSpan,
  kafkaConnection,
} from '@smartcity/platform-kafka';
import {
  contextWithSpan,
  type Logger,
  type Span,
  TRACING_DISABLED,
  type Tracing,
} from '@smartcity/platform-observability';
import { closeRedis, createRedis, type Redis } from '@smartcity/platform-redis';
import { type IngestConfig } from '../config/ingest.config';
import { type LocalRegistrations } from '../registration/local-registrations';
import { type RegistrationStore } from '@smartcity/lwm2m-server';
import { type DeviceRequestService } from './device-request.service';
import { DownlinkExecutor } from './downlink-executor';
import { DownlinkQueue } from './downlink-queue';
import { type TracedDownlinkRequest } from './downlink-trace';

/** What the downlink routing needs from a running ingest (IngestApp provides it). */
export interface IngestParts {
  readonly config: IngestConfig;
  readonly logger: Logger;
  readonly local: LocalRegistrations;
  readonly requests: DeviceRequestService;
  readonly store: RegistrationStore;
  /** Default off. */
  readonly tracing?: Tracing;
}

/**
 * Routing of device management requests (ARCHITECTURE.md "Kafka topics"): every instance consumes
 * `lwm2m.downlink.v1` in one group and puts each request in the endpoint's queue in Redis; the owner of the
 * endpoint (the instance that last heard the device, from the registration store) is told to drain it and
 * executes the requests; outcomes go to `lwm2m.downlink-result.v1`. When the owner is gone, the request waits
 * until an instance hears the device (Register, or a takeover on Update/Send announces the new owner), or until
 * its deadline (expired).
 */
export class DownlinkService {
  readonly queue: DownlinkQueue;
  readonly executor: DownlinkExecutor;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly kafka: KafkaClient;
  private readonly producer: KafkaProducer;
  private readonly consumer: KafkaConsumer;
  private readonly logger: Logger;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private stopped = false;

  private readonly config: IngestConfig;
  private readonly tracing: Tracing;

  constructor(private readonly ingest: IngestParts) {
    const config = ingest.config;
    this.config = config;
    this.tracing = ingest.tracing ?? TRACING_DISABLED;
    const instanceId = ingest.config.INSTANCE_ID;
    this.logger = ingest.logger.child({ context: 'Downlink' });
    this.redis = createRedis({
      url: ingest.config.REDIS_URL,
      logger: this.logger,
      name: `coap-ingest-downlink:${instanceId}`,
    });
    this.subscriber = this.redis.duplicate();
    this.kafka = new KafkaClient({
      clientId: `coap-ingest-downlink-${instanceId}`,
      ...kafkaConnection(config),
      logger: this.logger,
    });
    this.producer = new KafkaProducer(this.kafka, { lingerMs: 1, tracing: this.tracing });
    this.consumer = new KafkaConsumer(this.kafka, {
      groupId: config.DOWNLINK_GROUP_ID,
      topics: [config.DOWNLINK_TOPIC],
      // A new group starts at the beginning: requests published before the first instance joined are not lost
      // (stale ones are past their deadline and come out expired).
      fromBeginning: true,
      partitionsConsumedConcurrently: 6,
    });
    this.queue = new DownlinkQueue(this.redis, ingest.config.REDIS_KEY_PREFIX);
    this.executor = new DownlinkExecutor(
      this.queue,
      ingest.local,
      ingest.requests,
      {
        publish: (result) =>
          this.producer.sendTyped(config.DOWNLINK_RESULT_TOPIC, downlinkResultContract, [
            { key: deviceKey(result.tenant, result.endpoint), value: result },
          ]),
      },
      this.logger,
      { instanceId, responseTimeoutMs: config.DOWNLINK_RESPONSE_TIMEOUT_MS, tracing: this.tracing },
    );
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [
      topicSpec(TOPICS.downlink, this.config.DOWNLINK_TOPIC, 3),
      topicSpec(TOPICS.downlinkResult, this.config.DOWNLINK_RESULT_TOPIC, 3),
    ]);
    await this.producer.connect();
    const me = this.ingest.config.INSTANCE_ID;
    this.subscriber.on('message', (_channel: string, message: string) => {
      const space = message.indexOf(' ');
      if (message.slice(0, space) === me) this.executor.drain(message.slice(space + 1));
    });
    await this.subscriber.subscribe(this.queue.drainChannel);
    // Register, or a takeover after the device was heard here: its queued requests can go now.
    this.ingest.store.onOwnerChange((id, owner) => {
      if (owner !== me) return;
      const owned = this.ingest.local.get(id);
      if (owned) this.executor.drain(owned.registration.endpoint);
    });
    await this.consumer.start(async (batch, control) => {
      const requests: TracedDownlinkRequest[] = [];
      // Tracing on: a CONSUMER span per request, child of the gateway's send (the record's traceparent); the
      // request is queued with this span's context, so its execution, wherever it happens, continues the trace.
      const spans: Span[] = [];
      for (const m of batch.messages) {
        try {
          const request: DownlinkRequest = downlinkContract.decode(m.value);
          const span = this.tracing.enabled
            ? startProcessSpan(this.tracing, batch, m, {
                'lwm2m.endpoint': request.endpoint,
                'smartcity.command.id': request.id,
              })
            : undefined;
          if (span) {
            spans.push(span);
            const trace: Record<string, string> = {};
            this.tracing.inject(trace, contextWithSpan(span));
            requests.push({ ...request, trace });
          } else requests.push(request);
        } catch (err) {
          this.logger.warn({ err, offset: m.offset }, 'invalid downlink request dropped');
        }
      }
      try {
        // Pipelined in message order: one endpoint's requests are queued in the order the gateway sent them.
        await Promise.all(requests.map((r) => this.queue.enqueue(r)));
        await Promise.all([...new Set(requests.map((r) => r.endpoint))].map((e) => this.route(e)));
      } finally {
        for (const span of spans) span.end();
      }
      const last = batch.messages[batch.messages.length - 1];
      if (last) control.markDone(last.offset);
    });
    this.sweeper = setInterval(() => void this.sweep(), this.config.DOWNLINK_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Tells the endpoint's owner to drain its queue (or drains here when this instance owns it). */
  private async route(endpoint: string): Promise<void> {
    if (this.ingest.local.getByEndpoint(endpoint)) {
      this.executor.drain(endpoint);
      return;
    }
    const registration = await this.ingest.store.getByEndpoint(endpoint);
    if (registration) await this.queue.requestDrain(registration.owner, endpoint);
    // No live registration: the request waits for a Register (which announces its owner) or its deadline.
  }

  /** Expires queued requests past their deadline; drains owned endpoints whose queue was not announced here. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      for (;;) {
        const expired = await this.queue.takeExpired(Date.now(), 500);
        await Promise.all(
          expired.map((r) =>
            this.executor.finish(r, {
              status: 'expired',
              error: 'no instance reached the device before the deadline',
            }),
          ),
        );
        if (expired.length < 500) break;
      }
      for (const endpoint of await this.queue.pendingEndpoints()) {
        if (this.ingest.local.getByEndpoint(endpoint)) this.executor.drain(endpoint);
      }
    } catch (err) {
      this.logger.warn({ err }, 'downlink sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  /** Stops consuming; requests still queued in Redis stay there for the other instances. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await this.consumer.stop().catch((err: unknown) => this.logger.warn({ err }, 'consumer stop failed'));
    await this.producer.close().catch((err: unknown) => this.logger.warn({ err }, 'producer close failed'));
    this.subscriber.disconnect();
    await closeRedis(this.redis);
  }
}
