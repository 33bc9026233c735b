import { type Clock, CoapEndpoint, formatPeer, systemClock } from '@smartcity/coap';
import { type DtlsServerTransport } from '@smartcity/dtls';
import {
  BootstrapAuthorityRepository,
  BootstrapRepository,
  createPool,
  CredentialKeyring,
  DeviceCredentialRepository,
  pingDatabase,
} from '@smartcity/platform-db';
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
import { closeRedis, createRedis, isRedisReady, type Redis } from '@smartcity/platform-redis';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type Pool } from 'pg';
import { type Registry } from 'prom-client';
import { BootstrapHandler } from './bootstrap/bootstrap.handler';
import { PgBootstrapDevices } from './bootstrap/pg-bootstrap-devices';
import { type BootstrapConfig } from './config/bootstrap.config';
import { BootstrapMetrics } from './metrics/bootstrap.metrics';
import { createBootstrapDtls } from './security/bootstrap-dtls';
import { VendorAuthorities } from './security/vendor-authorities';

/**
 * Composition root of the bootstrap server (LwM2M Core 1.1.1 §6.1): coaps with the vendors' bootstrap PSKs, the
 * Bootstrap-Request handler and its sequences, PostgreSQL (application role, RLS per tenant), Redis (device changes
 * for the ingest), ops endpoints. Plain constructor injection, as the ingest.
 */
export class BootstrapApp {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly metrics: BootstrapMetrics;
  readonly coaps: CoapEndpoint;
  readonly handler: BootstrapHandler;
  /** TRACING_ENABLED; off: the disabled tracing. */
  readonly tracing: Tracing;
  private readonly ownsTracing: boolean;
  private readonly dtls: DtlsServerTransport;
  private readonly pool: Pool;
  private readonly redis: Redis;
  private readonly vendors: VendorAuthorities;
  private vendorRefresh: NodeJS.Timeout | undefined;
  private ops: OpsServer | undefined;
  private started = false;
  private stopping = false;

  constructor(
    readonly config: BootstrapConfig,
    deps: { logger?: Logger; clock?: Clock; tracing?: Tracing } = {},
  ) {
    const clock = deps.clock ?? systemClock;
    this.logger =
      deps.logger ??
      createLogger({ app: 'bootstrap', level: config.LOG_LEVEL, base: { instance: config.INSTANCE_ID } });
    this.ownsTracing = !deps.tracing;
    this.tracing =
      deps.tracing ??
      createTracing(tracingSettingsFrom(config, 'bootstrap', config.INSTANCE_ID, this.logger));
    this.registry = createMetricsRegistry('bootstrap');
    this.metrics = new BootstrapMetrics(this.registry, () => this.handler.activeSessions);
    this.pool = createPool({
      connectionString: config.DATABASE_URL,
      applicationName: 'bootstrap',
      max: 4,
      onIdleError: (err) => this.logger.warn({ err }, 'postgres client error'),
    });
    this.redis = createRedis({
      url: config.REDIS_URL,
      logger: this.logger,
      name: `bootstrap:${config.INSTANCE_ID}`,
    });
    const keyring = new CredentialKeyring(config.CREDENTIAL_KEYS);
    const bootstrap = new BootstrapRepository(keyring);
    const authorityRepository = new BootstrapAuthorityRepository();
    this.vendors = new VendorAuthorities(this.pool, authorityRepository);
    this.dtls = createBootstrapDtls({
      config,
      pool: this.pool,
      bootstrap,
      metrics: this.metrics,
      clock,
      onSocketError: (err) => this.logger.error({ err }, 'coaps socket error'),
    });
    this.dtls.on('handshakeFailed', (e) =>
      this.logger.debug({ peer: formatPeer(e), reason: e.reason, alert: e.alert }, 'dtls handshake failed'),
    );
    this.coaps = new CoapEndpoint({
      clock,
      transport: this.dtls,
      logger: this.logger.child({ context: 'CoapEndpoint' }),
      drainRetryAfterS: config.UNAVAILABLE_RETRY_AFTER_S,
    });
    this.handler = new BootstrapHandler(
      this.coaps,
      new PgBootstrapDevices(
        this.pool,
        bootstrap,
        new DeviceCredentialRepository(keyring),
        this.redis,
        {
          authorities: this.vendors,
          repository: authorityRepository,
        },
        loadBundledRegistry(),
      ),
      this.metrics,
      this.logger.child({ context: 'Bootstrap' }),
      clock,
      {
        maxSessions: config.BOOTSTRAP_MAX_SESSIONS,
        sessionTimeoutMs: config.BOOTSTRAP_SESSION_TIMEOUT_MS,
        requestTimeoutMs: config.BOOTSTRAP_REQUEST_TIMEOUT_MS,
        retryAfterS: config.UNAVAILABLE_RETRY_AFTER_S,
        tracing: this.tracing,
      },
    );
  }

  async start(options: { ops?: boolean } = {}): Promise<void> {
    if (this.config.COAPS_PRIVATE_KEY_FILE) {
      await this.reloadVendorAuthorities();
      this.vendorRefresh = setInterval(() => {
        this.reloadVendorAuthorities().catch((err: unknown) =>
          this.logger.warn({ err }, 'vendor CA reload failed; the previous ones stay in use'),
        );
      }, this.config.VENDOR_CA_REFRESH_MS);
      this.vendorRefresh.unref();
    }
    await this.coaps.start(this.handler.handle);
    if (options.ops !== false) {
      this.ops = await startOpsServer({
        host: this.config.OPS_HOST,
        port: this.config.OPS_PORT,
        registry: this.registry,
        isReady: () => this.isReady(),
      });
    }
    this.started = true;
    this.logger.info({ coaps: this.coaps.localAddress(), ops: this.ops?.port }, 'bootstrap server started');
  }

  /** Reloads the tenants' vendor CAs: the DTLS trust anchors of X.509 bootstrap and the tenant check after it. */
  async reloadVendorAuthorities(): Promise<void> {
    await this.vendors.load();
    this.dtls.setTrustAnchors(this.vendors.anchors());
  }

  coapsPort(): number {
    return this.coaps.localAddress().port;
  }

  async isReady(): Promise<boolean> {
    return (
      this.started && !this.stopping && (await isRedisReady(this.redis)) && (await pingDatabase(this.pool))
    );
  }

  /**
   * Graceful shutdown: new Bootstrap-Requests get 5.03 + Max-Age, running sequences are aborted (their devices
   * retry, and the retry's Delete of /0 and /1 cleans up), then sockets and connections close.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.vendorRefresh);
    await this.coaps.drain(this.config.SHUTDOWN_DRAIN_MS);
    await this.handler.stop();
    await this.coaps.close();
    await closeRedis(this.redis);
    await this.pool.end().catch(() => undefined);
    await this.ops?.close();
    if (this.ownsTracing) await this.tracing.shutdown().catch(() => undefined);
  }
}
