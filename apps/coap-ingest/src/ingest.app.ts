import {
  type Clock,
  CoapEndpoint,
  formatPeer,
  systemClock,
  type DatagramTransport,
  UdpTransport,
} from '@smartcity/coap';
import { type DtlsServerTransport } from '@smartcity/dtls';
import { RegistrationService } from '@smartcity/lwm2m-server';
import { CredentialKeyring, DeviceCredentialRepository, QuotaRepository } from '@smartcity/platform-db';
import { TOPICS, topicSpec } from '@smartcity/platform-contracts';
import { ensureTopics, KafkaClient, KafkaProducer, kafkaConnection } from '@smartcity/platform-kafka';
import {
  createLogger,
  createMetricsRegistry,
  createTracing,
  type Logger,
  type OpsServer,
  startOpsServer,
  type Tracing,
  tracingSettingsFrom,
} from '@smartcity/platform-observability';
import {
  CERTIFICATE_AUTHORITY_CHANGES_CHANNEL,
  closeRedis,
  createRedis,
  isRedisReady,
  type Redis,
  subscribeDeviceChanges,
} from '@smartcity/platform-redis';
import { Pool } from 'pg';
import { type Registry } from 'prom-client';
import { type IngestConfig } from './config/ingest.config';
import { DeviceRequestService } from './downlink/device-request.service';
import { RegistrationOwnership } from './lwm2m/ownership';
import { RateAdmission } from './lwm2m/rate-admission';
import { RegistrationEventsPublisher } from './lwm2m/registration-events.publisher';
import { RegistrationIds } from './registration/registration-id';
import { dtlsMetrics } from './metrics/dtls.metrics';
import { createCoapsTransport } from './security/coaps-transport';
import { CredentialLookup } from './security/credential-lookup';
import { PgCredentialRotation } from './security/credential-rotation';
import { DeviceAuthorizer } from './security/device-authorizer';
import { DeviceRevocation } from './security/device-revocation';
import { RegistrationLocator } from './security/registration-locator';
import { TenantAuthorityCache } from './security/tenant-authorities';
import { Lwm2mRouter } from './lwm2m/lwm2m-router';
import { RegistrationHandler } from './lwm2m/registration.handler';
import { SendHandler } from './lwm2m/send.handler';
import { IngestMetrics } from './metrics/ingest.metrics';
import { ObservationService } from './observe/observation.service';
import { RateLimiter } from './protection/rate-limiter';
import { TenantQuotas } from './protection/tenant-quotas';
import { ExpiryWorker } from './registration/expiry.worker';
import { LocalRegistrations } from './registration/local-registrations';
import { RedisRegistrationStore } from './registration/redis-registration.store';
import { CachedDeviceDirectory } from './tenancy/cached-device-directory';
import { type DeviceDirectory } from './tenancy/device-directory';
import { PgDeviceDirectory } from './tenancy/pg-device-directory';
import { NotificationSink } from './uplink/notification-sink';
import { PayloadCheck } from './uplink/payload-check';
import { RetryStamps } from './uplink/retry-stamps';
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
  /** Plain CoAP (NoSec devices), when enabled. */
  readonly coap: CoapEndpoint | undefined;
  /** CoAP over DTLS, when enabled (built at start, once the tenants' CAs are loaded). */
  coaps: CoapEndpoint | undefined;
  readonly requests: DeviceRequestService;
  readonly store: RedisRegistrationStore;
  /** Spans of this ingest (TRACING_ENABLED; off: the disabled tracing, nothing allocated per request). */
  readonly tracing: Tracing;
  private readonly ownsTracing: boolean;
  private readonly redis: Redis;
  private readonly pool: Pool;
  private readonly kafka: KafkaClient;
  private readonly producer: KafkaProducer;
  private readonly expiry: ExpiryWorker;
  private readonly router: Lwm2mRouter;
  private readonly clock: Clock;
  private readonly credentials: CredentialLookup;
  private readonly authorities: TenantAuthorityCache;
  private dtls: DtlsServerTransport | undefined;
  private readonly revocation: DeviceRevocation;
  private readonly quotas: TenantQuotas;
  /** A dedicated connection for the device-change and CA-change channels (a subscribed connection runs nothing else). */
  private subscriber: Redis | undefined;
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
      /** Route broker connections elsewhere (see KafkaClientOptions.connectVia). */
      kafkaConnectVia?: (broker: { host: string; port: number }) => { host: string; port: number };
      /** Tests: an in-memory exporting tracing instead of the one the configuration describes. */
      tracing?: Tracing;
    } = {},
  ) {
    this.logger =
      deps.logger ??
      createLogger({ app: 'coap-ingest', level: config.LOG_LEVEL, base: { instance: config.INSTANCE_ID } });
    this.ownsTracing = !deps.tracing;
    this.tracing =
      deps.tracing ??
      createTracing(tracingSettingsFrom(config, 'coap-ingest', config.INSTANCE_ID, this.logger));
    this.registry = createMetricsRegistry('coap-ingest');
    this.metrics = new IngestMetrics(this.registry, {
      ownedRegistrations: () => this.local.size,
      inFlight: () => this.endpoints().reduce((n, e) => n + e.inFlightExchanges, 0),
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
      ...kafkaConnection(config),
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
      tracing: this.tracing,
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
    this.clock = deps.clock ?? systemClock;
    const clock = this.clock;
    const now = () => clock.now();
    const credentialRepository = new DeviceCredentialRepository(
      new CredentialKeyring(config.CREDENTIAL_KEYS),
    );
    this.credentials = new CredentialLookup(this.pool, credentialRepository, {
      ttlMs: 30_000,
      maxEntries: 100_000,
      now,
    });
    this.authorities = new TenantAuthorityCache(this.pool, credentialRepository);
    this.coap = config.COAP_ENABLED
      ? this.endpointOn(
          new UdpTransport({
            host: config.COAP_HOST,
            port: config.COAP_PORT,
            onError: (err) => this.logger.error({ err }, 'udp socket error'),
          }),
        )
      : undefined;
    this.quotas = new TenantQuotas(new QuotaRepository(this.pool), this.logger.child({ context: 'Quotas' }), {
      refreshMs: config.QUOTA_REFRESH_MS,
      flushMs: config.USAGE_FLUSH_MS,
      storageFullRetryAfterS: config.QUOTA_STORAGE_FULL_RETRY_S,
      now,
    });
    const publisher = new UplinkPublisher(
      this.producer,
      config.KAFKA_UPLINK_TOPIC,
      config.INSTANCE_ID,
      this.quotas,
    );
    const payloads = new PayloadCheck();
    const sink = new NotificationSink(
      this.local,
      publisher,
      this.metrics,
      this.logger,
      now,
      payloads,
      this.tracing,
    );
    this.requests = new DeviceRequestService(
      this.local,
      sink,
      this.metrics,
      this.logger,
      clock,
      { awakeWindowMs: config.QUEUE_AWAKE_WINDOW_S * 1000 },
      this.tracing,
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
      new RateLimiter(config.RATE_ADDRESS_PER_S, config.RATE_ADDRESS_BURST, now),
      new RateLimiter(config.RATE_ENDPOINT_PER_S, config.RATE_ENDPOINT_BURST, now),
      new RateLimiter(config.RATE_TENANT_PER_S, config.RATE_TENANT_BURST, now),
      this.metrics,
      this.quotas,
    );
    const authorizer = new DeviceAuthorizer(
      directory,
      this.credentials,
      this.authorities,
      new PgCredentialRotation(this.pool, credentialRepository, this.redis),
    );
    const events = new RegistrationEventsPublisher(publisher, this.metrics, now);
    this.revocation = new DeviceRevocation(
      this.store,
      this.local,
      ownership,
      events,
      this.credentials,
      directory,
      (peerKey) => this.dtls?.closeSession(peerKey),
      this.logger.child({ context: 'Revocation' }),
    );
    const service = new RegistrationService({
      store: this.store,
      authorizer,
      events,
      clock,
      newId: new RegistrationIds().next,
      admit: admission.check,
      settings: {
        instanceId: config.INSTANCE_ID,
        graceS: config.REGISTRATION_GRACE_S,
        maxLifetimeS: config.REGISTRATION_MAX_LIFETIME_S,
      },
    });
    this.router = new Lwm2mRouter(
      new RegistrationHandler(service, this.local, ownership, this.requests, admission),
      new SendHandler(
        this.local,
        new RegistrationLocator(this.store, this.credentials, authorizer),
        ownership,
        publisher,
        admission,
        this.requests,
        this.metrics,
        payloads,
        new RetryStamps(this.redis, this.logger.child({ context: 'RetryStamps' }), {
          prefix: config.REDIS_KEY_PREFIX,
          ttlMs: config.RETRY_STAMP_TTL_S * 1000,
          now,
          maxPending: 100_000,
        }),
      ),
      { maxPayloadBytes: config.MAX_PAYLOAD_BYTES, unavailableRetryAfterS: config.UNAVAILABLE_RETRY_AFTER_S },
      this.logger.child({ context: 'Lwm2m' }),
      this.tracing,
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
    await this.subscribeToChanges();
    await this.quotas.start();
    if (this.coap) await this.coap.start(this.router.handlerFor(this.coap));
    if (this.config.COAPS_ENABLED) {
      await this.authorities.load();
      this.dtls = createCoapsTransport({
        config: this.config,
        credentials: this.credentials,
        authorities: this.authorities,
        redis: this.redis,
        metrics: dtlsMetrics(this.registry),
        clock: this.clock,
        onSocketError: (err) => this.logger.error({ err }, 'coaps socket error'),
      });
      this.dtls.on('handshakeFailed', (e) =>
        this.logger.debug({ peer: formatPeer(e), reason: e.reason, alert: e.alert }, 'dtls handshake failed'),
      );
      this.coaps = this.endpointOn(this.dtls);
      await this.coaps.start(this.router.handlerFor(this.coaps));
    }
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
    this.logger.info(
      { coap: this.coap?.localAddress(), coaps: this.coaps?.localAddress(), ops: this.ops?.port },
      'coap-ingest started',
    );
  }

  /** The plain CoAP port (tests, benchmarks). */
  coapPort(): number {
    if (!this.coap) throw new Error('plain CoAP is disabled (COAP_ENABLED=false)');
    return this.coap.localAddress().port;
  }

  /** The CoAP over DTLS port. */
  coapsPort(): number {
    if (!this.coaps) throw new Error('coaps is not started (COAPS_ENABLED=false)');
    return this.coaps.localAddress().port;
  }

  /**
   * Device changes (decommissioned, credential changed: libs/platform/redis device-changes) revoke the live
   * registration and DTLS session at once; CA changes reload the tenants' CAs: the DTLS trust anchors of the next
   * handshakes and the authorizer's check that a device chains to its own tenant's CA.
   */
  private async subscribeToChanges(): Promise<void> {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: unknown) => this.logger.warn({ err }, 'redis subscriber error'));
    // Pub/sub is at most once: after a reconnection forget what may have changed meanwhile. The first `ready` is
    // the initial connection: start() loads the CAs itself and nothing was cached before it.
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      this.revocation.resubscribed();
      this.reloadAuthorities();
    });
    subscriber.on('message', (channel: string) => {
      if (channel === CERTIFICATE_AUTHORITY_CHANGES_CHANNEL) this.reloadAuthorities();
    });
    await subscribeDeviceChanges(subscriber, (change) => {
      this.revocation
        .apply(change)
        .catch((err: unknown) => this.logger.error({ err, endpoint: change.endpoint }, 'revocation failed'));
    });
    await subscriber.subscribe(CERTIFICATE_AUTHORITY_CHANGES_CHANNEL);
  }

  private reloadAuthorities(): void {
    if (!this.config.COAPS_ENABLED) return;
    this.authorities
      .load()
      .then(() => this.dtls?.setTrustAnchors(this.authorities.all()))
      .catch((err: unknown) => this.logger.error({ err }, 'CA reload failed'));
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
    await Promise.all(this.endpoints().map((e) => e.drain(this.config.SHUTDOWN_DRAIN_MS)));
    await this.expiry.stop();
    await Promise.all(this.endpoints().map((e) => e.close()));
    await this.quotas.stop();
    await this.producer.close().catch((err: unknown) => this.logger.warn({ err }, 'producer close failed'));
    await this.store.close();
    if (this.subscriber) await closeRedis(this.subscriber);
    await closeRedis(this.redis);
    await this.pool.end().catch(() => undefined);
    await this.ops?.close();
    // Last: the spans of the drained requests are exported before the process exits.
    if (this.ownsTracing) await this.tracing.shutdown().catch(() => undefined);
  }

  private endpoints(): CoapEndpoint[] {
    return [this.coap, this.coaps].filter((e): e is CoapEndpoint => e !== undefined);
  }

  /** The CoAP message layer on one transport, with the ingest's policies and metrics. */
  private endpointOn(transport: DatagramTransport): CoapEndpoint {
    return new CoapEndpoint({
      clock: this.clock,
      transport,
      logger: this.logger.child({ context: 'CoapEndpoint', scheme: transport.scheme }),
      isVerifiedPeer: (peer) => this.local.isVerified(peer),
      dedupMaxEntries: this.config.DEDUP_MAX_ENTRIES,
      drainRetryAfterS: this.config.UNAVAILABLE_RETRY_AFTER_S,
      // RFC 7959: a Send or notification larger than a datagram arrives in blocks, reassembled up to the limit.
      block: { maxBodyBytes: this.config.MAX_PAYLOAD_BYTES },
      hooks: {
        malformed: (problem) => this.metrics.malformed.inc({ problem }),
        duplicate: () => this.metrics.duplicates.inc(),
        response: (code) => this.metrics.response(code),
        amplificationLimited: () => this.metrics.amplificationLimited.inc(),
      },
    });
  }
}
