import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { type UplinkMessage, uplinkContract } from '@smartcity/platform-contracts';
import {
  deleteTopics,
  ensureTopics,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
} from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import {
  closeRedis,
  createRedis,
  deleteKeysMatching,
  invalidateDeviceDirectory,
  type Redis,
} from '@smartcity/platform-redis';
import { LOCAL_STACK } from '@smartcity/platform-config';
import {
  CredentialKeyring,
  type DeviceCredentialInput,
  DeviceCredentialRepository,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { Pool } from 'pg';
import { type IngestConfig, loadIngestConfig } from '../config/ingest.config';
import { IngestApp } from '../ingest.app';
import { UplinkPublisher } from '../uplink/uplink-publisher';

/** Local stack (deploy/local) connection strings. */
export const OWNER_DATABASE_URL = 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity';
export const KAFKA_BROKER = '127.0.0.1:9092';

export const logger = createLogger({ app: 'ingest-test', level: 'silent' });

/**
 * One test run's isolated world on the shared services: its own uplink topic, Redis key prefix and tenant
 * (random suffixes), cleaned up at the end.
 */
export class IngestTestWorld {
  readonly run = randomBytes(4).toString('hex');
  readonly topic = `test.ingest.${this.run}.uplink`;
  readonly prefix = `test:ingest:${this.run}:`;
  readonly tenant = `t-${this.run}`;
  readonly kafka = new KafkaClient({ clientId: `ingest-test-${this.run}`, brokers: [KAFKA_BROKER], logger });
  readonly owner = new Pool({ connectionString: OWNER_DATABASE_URL, max: 2 });
  readonly redis: Redis = createRedis({ url: 'redis://127.0.0.1:6379', logger });
  readonly uplinks: UplinkMessage[] = [];
  private consumer: KafkaConsumer | undefined;
  private readonly apps: IngestApp[] = [];
  private producer: KafkaProducer | undefined;
  private sentinels = 0;

  config(overrides: Partial<IngestConfig> = {}): IngestConfig {
    return {
      ...loadIngestConfig({}),
      COAP_HOST: '127.0.0.1',
      COAP_PORT: 0,
      COAPS_PORT: 0,
      OPS_PORT: 0,
      KAFKA_UPLINK_TOPIC: this.topic,
      KAFKA_UPLINK_PARTITIONS: 1,
      REDIS_KEY_PREFIX: this.prefix,
      LOG_LEVEL: 'silent',
      INSTANCE_ID: `test-${this.run}-${this.apps.length}`,
      SHUTDOWN_DRAIN_MS: 1000,
      ...overrides,
    };
  }

  async startIngest(
    overrides: Partial<IngestConfig> = {},
    deps: ConstructorParameters<typeof IngestApp>[1] = {},
  ): Promise<IngestApp> {
    const app = new IngestApp(this.config(overrides), { logger, ...deps });
    this.apps.push(app);
    await app.start({ ops: false });
    return app;
  }

  /** The run's tenant; it allows NoSec devices unless told otherwise (the default of a real new tenant is no). */
  async createTenant(
    options: { autoProvisionPrefix?: string; observe?: unknown[]; allowNosec?: boolean } = {},
  ): Promise<void> {
    await this.owner.query(
      `INSERT INTO tenants (id, name, auto_provision, auto_provision_prefix, auto_provision_profile, allow_nosec)
       VALUES ($1, $1, $2, $3, $4, $5)`,
      [
        this.tenant,
        !!options.autoProvisionPrefix,
        options.autoProvisionPrefix ?? null,
        options.observe ? 'default' : null,
        options.allowNosec ?? true,
      ],
    );
    if (options.observe) {
      await this.owner.query('INSERT INTO device_profiles (tenant_id, name, observe) VALUES ($1, $2, $3)', [
        this.tenant,
        'default',
        JSON.stringify(options.observe),
      ]);
    }
  }

  async provision(endpoint: string, profile?: string): Promise<string> {
    const r = await this.owner.query<{ id: string }>(
      'INSERT INTO devices (tenant_id, endpoint, name, profile) VALUES ($1, $2, $2, $3) RETURNING id',
      [this.tenant, endpoint, profile ?? null],
    );
    await invalidateDeviceDirectory(this.redis, [endpoint]);
    return r.rows[0]!.id;
  }

  /** Provisions a device with a credential (as the gateway or the CLI would): PSK, raw public key or X.509. */
  async provisionWith(endpoint: string, credential: DeviceCredentialInput): Promise<string> {
    const deviceId = await this.provision(endpoint);
    const repository = new DeviceCredentialRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
    await withPlatformAdmin(this.owner, (tx) => repository.set(tx, this.tenant, deviceId, credential));
    await invalidateDeviceDirectory(this.redis, [endpoint]);
    return deviceId;
  }

  /** Adds an X.509 CA to the run's tenant (before the ingest starts: its DTLS trust anchors load at start). */
  async addCertificateAuthority(certificate: string): Promise<void> {
    const repository = new DeviceCredentialRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
    await withPlatformAdmin(this.owner, (tx) =>
      repository.addCertificateAuthority(tx, this.tenant, certificate),
    );
  }

  /** Reads the run's uplink topic from the beginning into `uplinks`. */
  async readUplinks(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: this.topic, partitions: 1 }]);
    this.consumer = new KafkaConsumer(this.kafka, {
      groupId: `ingest-test-${this.run}`,
      topics: [this.topic],
      fromBeginning: true,
    });
    void this.consumer.start(async (batch, control) => {
      for (const m of batch.messages) {
        this.uplinks.push(uplinkContract.decode(m.value));
        control.markDone(m.offset);
      }
    });
  }

  async waitForUplinks(
    predicate: (u: UplinkMessage) => boolean,
    count: number,
    timeoutMs = 15_000,
  ): Promise<UplinkMessage[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.uplinks.filter(predicate);
      if (found.length >= count || Date.now() > until) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Publishes a sentinel uplink to the run's single-partition topic and waits until the reader has it: every uplink
   * the ingest had acknowledged before was read by then, so "nothing more arrives" is checked without sleeping.
   */
  async sentinel(): Promise<void> {
    const id = `sentinel-${++this.sentinels}`;
    this.producer ??= new KafkaProducer(this.kafka, { lingerMs: 0 });
    await this.producer.connect();
    await new UplinkPublisher(this.producer, this.topic, 'harness').publish(
      { id, tenant: this.tenant, endpoint: id, deviceId: id, objectVersions: {} },
      { kind: 'expiry', receivedAt: Date.now() },
    );
    const seen = await this.waitForUplinks((u) => u.endpoint === id, 1);
    if (seen.length === 0) throw new Error('the sentinel uplink was not read back');
  }

  async cleanup(): Promise<void> {
    await this.producer?.close().catch(() => undefined);
    for (const app of this.apps) await app.stop().catch(() => undefined);
    await this.consumer?.stop().catch(() => undefined);
    await deleteTopics(this.kafka, [this.topic]).catch(() => undefined);
    const endpoints = await this.owner
      .query<{ endpoint: string }>('SELECT endpoint FROM devices WHERE tenant_id = $1', [this.tenant])
      .catch(() => ({ rows: [] }));
    await invalidateDeviceDirectory(
      this.redis,
      endpoints.rows.map((r) => r.endpoint),
    ).catch(() => undefined);
    await this.owner.query('DELETE FROM tenants WHERE id = $1', [this.tenant]).catch(() => undefined);
    await this.owner.end();
    await deleteKeysMatching(this.redis, `${this.prefix}*`).catch(() => undefined);
    await closeRedis(this.redis);
  }
}

/** A TCP proxy in front of Kafka that a test can cut (connections reset, new ones refused) and restore. */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private up = true;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.up) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
