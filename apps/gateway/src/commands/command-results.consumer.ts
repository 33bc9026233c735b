import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type DownlinkResult,
  downlinkResultContract,
  TOPIC_PARTITIONS,
  TOPICS,
} from '@smartcity/platform-contracts';
import { ensureTopics, type KafkaClient, KafkaConsumer } from '@smartcity/platform-kafka';
import { type Logger } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { TenantDb } from '../db/tenant-db.service';
import { GATEWAY_LOGGER, KAFKA_CLIENT, REDIS } from '../gateway.tokens';
import { CommandPublisher } from './command-publisher';
import { commandEvent, commandsChannel, toUpdate } from './command.mapping';
import { type CommandsConfig } from './commands.config';
import { type CommandRow, CommandsRepository } from './commands.repository';
import { COMMANDS_CONFIG } from './commands.tokens';

/**
 * Consumes `lwm2m.downlink-result.v1`: stores each outcome in the commands table (per tenant, batched), then
 * announces the changed commands on Redis (`tenant:<slug>:commands`, GraphQL subscriptions of every replica) and
 * on the partner topic `city.<tenant>.events.v1`. Offsets are committed after the database commit, and the
 * transitions only move forward, so a redelivered batch changes nothing twice. A periodic reaper closes commands
 * whose result was lost (an ingest crashed while holding them).
 */
@Injectable()
export class CommandResultsConsumer implements OnModuleInit, OnModuleDestroy {
  private readonly consumer: KafkaConsumer;
  private readonly logger: Logger;
  private reaper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COMMANDS_CONFIG) private readonly config: CommandsConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    private readonly db: TenantDb,
    private readonly repository: CommandsRepository,
    private readonly publisher: CommandPublisher,
  ) {
    this.logger = logger.child({ context: 'CommandResults' });
    this.consumer = new KafkaConsumer(kafka, {
      groupId: config.COMMANDS_RESULT_GROUP_ID,
      topics: [config.COMMANDS_RESULT_TOPIC],
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
    });
  }

  async onModuleInit(): Promise<void> {
    const topic = this.config.COMMANDS_RESULT_TOPIC;
    await ensureTopics(this.kafka, [
      {
        topic,
        partitions: topic === TOPICS.downlinkResult ? TOPIC_PARTITIONS[TOPICS.downlinkResult] : 3,
      },
    ]);
    // Joining the group may take seconds: readiness does not wait for it, outcomes are read from the commit.
    void this.consumer
      .start(async (batch, control) => {
        const results: DownlinkResult[] = [];
        for (const m of batch.messages) {
          try {
            results.push(downlinkResultContract.decode(m.value));
          } catch (err) {
            this.logger.warn({ err, offset: m.offset }, 'invalid downlink result dropped');
          }
        }
        await this.apply(results);
        const last = batch.messages[batch.messages.length - 1];
        if (last) control.markDone(last.offset);
      })
      .catch((err: unknown) => this.logger.error({ err }, 'command result consumer stopped'));
    this.reaper = setInterval(() => void this.reap(), this.config.COMMANDS_REAP_INTERVAL_MS);
    this.reaper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    await this.consumer.stop().catch((err: unknown) => this.logger.warn({ err }, 'consumer stop failed'));
  }

  async apply(results: readonly DownlinkResult[]): Promise<void> {
    const byTenant = new Map<string, DownlinkResult[]>();
    for (const r of results) {
      const list = byTenant.get(r.tenant);
      if (list) list.push(r);
      else byTenant.set(r.tenant, [r]);
    }
    for (const [tenant, list] of byTenant) {
      // One row per command per batch: a SENT and its final outcome in the same batch apply in order.
      const changed: CommandRow[] = [];
      for (const round of rounds(list)) {
        changed.push(
          ...(await this.db.inTenant(tenant, (tx) => this.repository.applyUpdates(tx, round.map(toUpdate)))),
        );
      }
      await this.announce(tenant, changed);
    }
  }

  private async announce(tenant: string, rows: readonly CommandRow[]): Promise<void> {
    if (rows.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const row of rows) pipeline.publish(commandsChannel(tenant), JSON.stringify(row));
    await pipeline.exec();
    await this.publisher
      .events(tenant, rows.map(commandEvent))
      .catch((err: unknown) => this.logger.warn({ err, tenant }, 'command events not published'));
  }

  /** Closes commands lost in transit: open past their deadline plus a grace (see COMMANDS_REAP_GRACE_S). */
  private async reap(): Promise<void> {
    try {
      const { rows } = await this.db.owner.query<CommandRow & { tenantId: string }>(
        `UPDATE commands SET
           status = CASE WHEN status = 'PENDING' THEN 'EXPIRED' ELSE 'TIMEOUT' END,
           error = 'no outcome reported by the ingest', completed_at = now(), updated_at = now()
         WHERE status IN ('PENDING', 'SENT') AND deadline < now() - make_interval(secs => $1)
         RETURNING id, tenant_id AS "tenantId", device_id AS "deviceId", idempotency_key AS "idempotencyKey",
           type, request, status, coap_code AS "coapCode", result, error, issued_by AS "issuedBy",
           batch_id AS "batchId", deadline, created_at AS "createdAt", sent_at AS "sentAt",
           completed_at AS "completedAt", updated_at AS "updatedAt"`,
        [this.config.COMMANDS_REAP_GRACE_S],
      );
      const byTenant = new Map<string, CommandRow[]>();
      for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
      for (const [tenant, list] of byTenant) await this.announce(tenant, list);
    } catch (err) {
      this.logger.warn({ err }, 'command reaper failed');
    }
  }
}

/** Splits results into rounds holding at most one result per command id, keeping their order. */
function rounds(results: readonly DownlinkResult[]): DownlinkResult[][] {
  const out: DownlinkResult[][] = [];
  const depth = new Map<string, number>();
  for (const r of results) {
    const d = depth.get(r.id) ?? 0;
    depth.set(r.id, d + 1);
    (out[d] ??= []).push(r);
  }
  return out;
}
