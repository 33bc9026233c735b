import { type Clock, CoapEndpoint, systemClock, type DatagramTransport, UdpTransport } from '@smartcity/coap';
import { RegistrationService } from '@smartcity/lwm2m-server';
import { TOPICS, topicSpec } from '@smartcity/platform-contracts';
import { ensureTopics, KafkaClient, KafkaProducer } from '@smartcity/platform-kafka';
import {
  createLogger,
  createMetricsRegistry,
  type Logger,
  type OpsServer,
  startOpsServer,
} from '@smartcity/platform-observability';
import { closeRedis, createRedis, isRedisReady, type Redis } from '@smartcity/platform-redis';
import { Pool } from 'pg';
import { type Registry } from 'prom-client';
import { type IngestConfig } from './config/ingest.config';
import { DeviceRequestService } from './downlink/device-request.service';
import { DirectoryAuthorizer } from './lwm2m/directory-authorizer';
import { RegistrationOwnership } from './lwm2m/ownership';
import { RateAdmission } from './lwm2m/rate-admission';
import { RegistrationEventsPublisher } from './lwm2m/registration-events.publisher';
import { newRegistrationId } from './registration/registration-id';
import { Lwm2mRouter } from './lwm2m/lwm2m-router';
import { RegistrationHandler } from './lwm2m/registration.handler';
import { SendHandler } from './lwm2m/send.handler';
import { IngestMetrics } from './metrics/ingest.metrics';
import { ObservationService } from './observe/observation.service';
import { RateLimiter } from './protection/rate-limiter';
import { ExpiryWorker } from './registration/expiry.worker';
import { LocalRegistrations } from './registration/local-registrations';
import { RedisRegistrationStore } from './registration/redis-registration.store';
import { CachedDeviceDirectory } from './tenancy/cached-device-directory';
import { type DeviceDirectory } from './tenancy/device-directory';
import { PgDeviceDirectory } from './tenancy/pg-device-directory';
import { NotificationSink } from './uplink/notification-sink';
import { UplinkPublisher } from './uplink/uplink-publisher';

/**
 * Composition root of the ingest: plain constructor injection. The CoAP hot path (datagram -> router ->
 * handler -> batched Kafka produce) runs without framework layers per request, which is what 20k CON
 * requests/s on one process needs.
 */
export class IngestApp {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly metrics: IngestMetrics;
  readonly local = new LocalRegistrations();
  readonly endpoint: CoapEndpoint;
  readonly requests: DeviceRequestService;
  readonly store: RedisRegistrationStore;
  private readonly redis: Redis;
  private readonly pool: Pool;
  private readonly kafka: KafkaClient;
  private readonly producer: KafkaProducer;
  private readonly expiry: ExpiryWorker;
  private readonly router: Lwm2mRouter;
  private readonly transport: DatagramTransport;
  private ops: OpsServer | undefined;
  private started = false;
  private stopping = false;

  constructor(
    readonly config: IngestConfig,
    deps: {
      logger?: Logger;
      /** Time for the whole ingest (protocol timers, queue-mode windows, receive times); default the system clock. */
      clock?: Clock;
      directory?: DeviceDirectory;
      transport?: DatagramTransport;
      /** Route broker connections elsewhere (see KafkaClientOptions.connectVia). */
      kafkaConnectVia?: (broker: { host: string; port: number }) => { host: string; port: number };
    } = {},
  ) {
    this.logger =
      deps.logger ??
      createLogger({ app: 'coap-ingest', level: config.LOG_LEVEL, base: { instance: config.INSTANCE_ID } });
    this.registry = createMetricsRegistry('coap-ingest');
    this.metrics = new IngestMetrics(this.registry, {
      ownedRegistrations: () => this.local.size,
      inFlight: () => this.endpoint.inFlightExchanges,
    });
    this.redis = createRedis({
      url: config.REDIS_URL,
      logger: this.logger,
      name: `coap-ingest:${config.INSTANCE_ID}`,
    });
    this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 4, application_name: 'coap-ingest' });
    this.pool.on('error', (err) => this.logger.warn({ err }, 'postgres client error'));
    this.kafka = new KafkaClient({
      clientId: `coap-ingest-${config.INSTANCE_ID}`,
      brokers: config.KAFKA_BROKERS,
      logger: this.logger,
      ...(deps.kafkaConnectVia ? { connectVia: deps.kafkaConnectVia } : {}),
    });
    this.producer = new KafkaProducer(this.kafka, {
      lingerMs: config.KAFKA_LINGER_MS,
      sendTimeoutMs: config.KAFKA_SEND_TIMEOUT_MS,
      onRequest: ({ messages, durationMs, ok }) => {
        this.metrics.kafkaLatency.observe({ outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
        this.metrics.kafkaBatchSize.observe(messages);
      },
    });
    this.store = new RedisRegistrationStore(this.redis, {
      prefix: config.REDIS_KEY_PREFIX,
      retentionAfterExpiryS: 300,
    });
    const directory =
      deps.directory ??
      new CachedDeviceDirectory(new PgDeviceDirectory(this.pool), this.redis, {
        ttlSeconds: config.DEVICE_CACHE_TTL_S,
        negativeTtlSeconds: config.DEVICE_CACHE_NEGATIVE_TTL_S,
      });
    this.transport =
      deps.transport ??
      new UdpTransport({
        host: config.COAP_HOST,
        port: config.COAP_PORT,
        onError: (err) => this.logger.error({ err }, 'udp socket error'),
      });
    const clock = deps.clock ?? systemClock;
    const now = () => clock.now();
    this.endpoint = new CoapEndpoint({
      clock,
      transport: this.transport,
      logger: this.logger.child({ context: 'CoapEndpoint' }),
      isVerifiedPeer: (peer) => this.local.isVerified(peer),
      dedupMaxEntries: config.DEDUP_MAX_ENTRIES,
      drainRetryAfterS: config.UNAVAILABLE_RETRY_AFTER_S,
      // RFC 7959: a Send or notification larger than a datagram arrives in blocks, reassembled up to the limit.
      block: { maxBodyBytes: config.MAX_PAYLOAD_BYTES },
      hooks: {
        malformed: (problem) => this.metrics.malformed.inc({ problem }),
        duplicate: () => this.metrics.duplicates.inc(),
        response: (code) => this.metrics.response(code),
        amplificationLimited: () => this.metrics.amplificationLimited.inc(),
      },
    });
    const publisher = new UplinkPublisher(this.producer, config.KAFKA_UPLINK_TOPIC, config.INSTANCE_ID);
    const sink = new NotificationSink(this.local, publisher, this.metrics, this.logger, now);
    this.requests = new DeviceRequestService(
      this.endpoint,
      this.local,
      sink,
      this.metrics,
      this.logger,
      clock,
      {
        awakeWindowMs: config.QUEUE_AWAKE_WINDOW_S * 1000,
      },
    );
    const observations = new ObservationService(
      this.requests,
      sink,
      this.metrics,
      this.logger,
      { requestDeadlineMs: config.OBSERVE_REQUEST_DEADLINE_MS },
      now,
    );
    const ownership = new RegistrationOwnership(
      config.INSTANCE_ID,
      this.store,
      this.local,
      directory,
      this.requests,
      observations,
      this.logger.child({ context: 'Ownership' }),
    );
    const admission = new RateAdmission(
      new RateLimiter(config.RATE_ENDPOINT_PER_S, config.RATE_ENDPOINT_BURST, now),
      new RateLimiter(config.RATE_TENANT_PER_S, config.RATE_TENANT_BURST, now),
      this.metrics,
    );
    const service = new RegistrationService({
      store: this.store,
      authorizer: new DirectoryAuthorizer(directory),
      events: new RegistrationEventsPublisher(publisher, this.metrics, now),
      clock,
      newId: newRegistrationId,
      admit: admission.check,
      settings: {
        instanceId: config.INSTANCE_ID,
        graceS: config.REGISTRATION_GRACE_S,
        maxLifetimeS: config.REGISTRATION_MAX_LIFETIME_S,
      },
    });
    this.router = new Lwm2mRouter(
      new RegistrationHandler(service, this.local, ownership, this.requests),
      new SendHandler(this.local, this.store, ownership, publisher, admission, this.requests, this.metrics),
      { maxPayloadBytes: config.MAX_PAYLOAD_BYTES, unavailableRetryAfterS: config.UNAVAILABLE_RETRY_AFTER_S },
      this.logger.child({ context: 'Lwm2m' }),
    );
    this.expiry = new ExpiryWorker(this.store, publisher, this.metrics, this.logger, {
      intervalMs: config.EXPIRY_INTERVAL_MS,
      leaseMs: 30_000,
      batch: 200,
      onExpired: (id) => ownership.drop(id),
    });
    // Another instance took an endpoint over: its notifications and requests go there now.
    this.store.onOwnerChange((id, owner) => {
      if (owner !== config.INSTANCE_ID) ownership.drop(id);
    });
  }

  async start(options: { ops?: boolean } = {}): Promise<void> {
    await ensureTopics(this.kafka, [
      topicSpec(TOPICS.uplink, this.config.KAFKA_UPLINK_TOPIC, this.config.KAFKA_UPLINK_PARTITIONS),
    ]);
    await this.producer.connect();
    await this.endpoint.start(this.router.handle);
    this.expiry.start();
    if (options.ops !== false) {
      this.ops = await startOpsServer({
        host: this.config.OPS_HOST,
        port: this.config.OPS_PORT,
        registry: this.registry,
        isReady: () => this.isReady(),
      });
    }
    this.started = true;
    const coap = this.transport.localAddress();
    this.logger.info({ coap, ops: this.ops?.port }, 'coap-ingest started');
  }

  coapPort(): number {
    return this.transport.localAddress().port;
  }

  async isReady(): Promise<boolean> {
    return this.started && !this.stopping && this.producer.isHealthy() && (await isRedisReady(this.redis));
  }

  /**
   * Graceful shutdown: stop taking requests (5.03 + Max-Age to new ones), drain in-flight exchanges, stop
   * the expiry worker, flush the producer, close connections. Registrations stay in Redis for the others.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.endpoint.drain(this.config.SHUTDOWN_DRAIN_MS);
    await this.expiry.stop();
    await this.endpoint.close();
    await this.producer.close().catch((err: unknown) => this.logger.warn({ err }, 'producer close failed'));
    await this.store.close();
    await closeRedis(this.redis);
    await this.pool.end().catch(() => undefined);
    await this.ops?.close();
  }
}
