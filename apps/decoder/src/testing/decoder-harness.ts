import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@smartcity/platform-config';
import { cityEventsTopic, cityTelemetryTopic, type UplinkMessage } from '@smartcity/platform-contracts';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { deleteTopics, ensureTopics, KafkaClient, KafkaProducer } from '@smartcity/platform-kafka';
import { createLogger, type Tracing } from '@smartcity/platform-observability';
import { type Pool } from 'pg';
import { type DecoderConfig, decoderConfigSchema } from '../config/decoder.config';
import { Decoder } from '../decoder';
import { closeDecoderDeps, createDecoderDeps } from '../decoder.factory';
import { type DeviceRef } from './uplinks';

/**
 * Integration-test fixture on the local stack: unique tenants, devices, topics and consumer groups per run (tests of
 * several people run concurrently against the same services), a producer for uplinks, decoders started in-process,
 * and cleanup of everything created.
 */
export class DecoderHarness {
  readonly run = randomBytes(4).toString('hex');
  readonly uplinkTopic = `test.decoder.uplink.${this.run}`;
  readonly dlqTopic = `test.decoder.dlq.${this.run}`;
  readonly owner: Pool = createPool({
    connectionString: OWNER_URL,
    applicationName: 'decoder-test-owner',
    max: 4,
  });
  readonly app: Pool = createPool({ connectionString: APP_URL, applicationName: 'decoder-test-app', max: 4 });
  readonly kafka = new KafkaClient({
    clientId: `decoder-test-${this.run}`,
    brokers: ['127.0.0.1:9092'],
    logger: createLogger({ app: 'decoder-test', level: 'silent' }),
  });
  private readonly tenants = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly running = new Set<() => Promise<void>>();
  private producer: KafkaProducer | undefined;

  tenant(label: string): string {
    const slug = `t-${label}-${this.run}`;
    this.tenants.add(slug);
    return slug;
  }

  async createTenant(slug: string, retentionDays = 400): Promise<void> {
    this.tenants.add(slug);
    await new TenantAdminRepository(this.owner).create({ id: slug, name: `Test ${slug}`, retentionDays });
  }

  async createDevice(tenant: string, label: string): Promise<DeviceRef> {
    const endpoint = `${tenant}-${label}`;
    const { rows } = await this.owner.query<{ id: string }>(
      'INSERT INTO devices (tenant_id, endpoint, name) VALUES ($1, $2, $2) RETURNING id',
      [tenant, endpoint],
    );
    return { tenant, endpoint, deviceId: rows[0]!.id };
  }

  async createTopics(partitions = 4): Promise<void> {
    await ensureTopics(this.kafka, [
      { topic: this.uplinkTopic, partitions },
      { topic: this.dlqTopic, partitions: 1 },
    ]);
  }

  async produce(messages: readonly (UplinkMessage | { key: string; value: Buffer })[]): Promise<void> {
    if (!this.producer) {
      this.producer = new KafkaProducer(this.kafka, { sendTimeoutMs: 30_000, maxBatchMessages: 5000 });
      await this.producer.connect();
    }
    const out = messages.map((m) =>
      'value' in m && Buffer.isBuffer(m.value)
        ? (m as { key: string; value: Buffer })
        : {
            key: `${(m as UplinkMessage).tenant}/${(m as UplinkMessage).endpoint}`,
            value: Buffer.from(JSON.stringify(m)),
          },
    );
    // One send is one produce request: a few hundred messages keep each partition's record batch under the
    // broker's 1 MiB message.max.bytes, whatever the keys' spread over partitions.
    for (let i = 0; i < out.length; i += 500)
      await this.producer.send(this.uplinkTopic, out.slice(i, i + 500));
  }

  /** Decoder configuration of this run (jobs off unless asked; a fresh consumer group unless given). */
  config(overrides: Record<string, string> = {}): DecoderConfig {
    const group = overrides['DECODER_GROUP_ID'] ?? `test-decoder-${this.run}-${randomUUID().slice(0, 8)}`;
    this.groups.add(group);
    return loadConfig(decoderConfigSchema, {
      LOG_LEVEL: 'silent',
      DECODER_UPLINK_TOPIC: this.uplinkTopic,
      DECODER_DLQ_TOPIC: this.dlqTopic,
      DECODER_UPLINK_PARTITIONS: '4',
      PARTNER_TOPIC_PARTITIONS: '1',
      DECODER_JOBS_ENABLED: 'false',
      DECODER_RETRY_BASE_MS: '20',
      DECODER_BATCH_LINGER_MS: '10',
      ...overrides,
      DECODER_GROUP_ID: group,
    });
  }

  /** Starts a decoder in this process; stopped by cleanup() if the test does not. */
  async startDecoder(overrides: Record<string, string> = {}, extra: { tracing?: Tracing } = {}) {
    const config = this.config(overrides);
    const deps = { ...createDecoderDeps(config), ...(extra.tracing ? { tracing: extra.tracing } : {}) };
    const service = new Decoder(deps);
    await service.start();
    const stop = async () => {
      this.running.delete(stop);
      await service.stop();
      await closeDecoderDeps(deps);
    };
    this.running.add(stop);
    return { service, config, stop };
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.owner.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** Polls until predicate() is true (or throws after timeoutMs with the last value). */
  async waitFor<T>(probe: () => Promise<T>, predicate: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T = await probe();
    while (!predicate(last)) {
      if (Date.now() > deadline)
        throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 200));
      last = await probe();
    }
    return last;
  }

  /** Sum of committed offsets of a group on the uplink topic vs the topic's end offsets (lag). */
  async lag(groupId: string): Promise<number> {
    const admin = this.kafka.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.uplinkTopic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [this.uplinkTopic] });
      let lag = 0;
      for (const end of ends) {
        const c = committed?.partitions.find((p) => p.partition === end.partition);
        const at = c && Number(c.offset) >= 0 ? Number(c.offset) : 0;
        lag += Number(end.high) - at;
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  async cleanup(): Promise<void> {
    for (const stop of [...this.running]) await stop().catch(() => undefined);
    await this.producer?.close().catch(() => undefined);
    const repo = new TenantAdminRepository(this.owner);
    for (const t of this.tenants) await repo.delete(t).catch(() => undefined);
    const topics = [this.uplinkTopic, this.dlqTopic];
    for (const t of this.tenants) topics.push(cityTelemetryTopic(t), cityEventsTopic(t));
    const admin = this.kafka.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics().catch(() => [] as string[]));
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await deleteTopics(this.kafka, present).catch(() => undefined);
    await admin.deleteGroups([...this.groups]).catch(() => undefined);
    await admin.disconnect();
    await this.owner.end();
    await this.app.end();
  }
}

export const OWNER_URL = 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity';
export const APP_URL = 'postgres://smartcity_app:smartcity_app@127.0.0.1:5432/smartcity';
