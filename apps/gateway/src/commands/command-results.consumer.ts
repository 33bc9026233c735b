import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  cityEventsTopic,
  type DownlinkResult,
  downlinkResultContract,
  TOPIC_PARTITIONS,
  TOPICS,
} from '@smartcity/platform-contracts';
import {
  type OutboxEntry,
  type OutboxRecord,
  OutboxRelay,
  type TxClient,
  writeOutbox,
} from '@smartcity/platform-db';
import { ensureTopics, type KafkaClient, KafkaConsumer, startProcessSpan } from '@smartcity/platform-kafka';
import { failSpan, type Logger, type Span, type Tracing } from '@smartcity/platform-observability';
import { type Redis } from '@smartcity/platform-redis';
import { type Pool } from 'pg';
import { TenantDb } from '../db/tenant-db.service';
import { APP_POOL, GATEWAY_LOGGER, KAFKA_CLIENT, REDIS, TRACING } from '../gateway.tokens';
import { CommandPublisher } from './command-publisher';
import { type CommandEvent, commandEvent, commandsChannel, toUpdate } from './command.mapping';
import { type CommandsConfig } from './commands.config';
import { type CommandRow, CommandsRepository } from './commands.repository';
import { COMMANDS_CONFIG } from './commands.tokens';

/** The gateway's outbox source (event_outbox.source): command outcomes, published by this consumer's relay. */
export const COMMANDS_OUTBOX_SOURCE = 'gateway-commands';

/**
 * Consumes `lwm2m.downlink-result.v1`: stores each outcome in the commands table (per tenant, batched) and, in the
 * same transaction, its announcement in the outbox; the outbox relay then publishes it on the partner topic
 * `city.<tenant>.events.v1` and on Redis (`tenant:<slug>:commands`, GraphQL subscriptions of every replica).
 * Offsets are committed after the database commit, and the transitions only move forward, so a redelivered batch
 * changes nothing twice; an announcement Kafka or Redis did not take is retried from the outbox, never dropped
 * (issue 16, finding 1: they were lost, since the redelivery found nothing left to change). A periodic reaper
 * closes commands whose result was lost (an ingest crashed while holding them).
 */
@Injectable()
export class CommandResultsConsumer implements OnModuleInit, OnModuleDestroy {
  private readonly consumer: KafkaConsumer;
  private readonly outbox: OutboxRelay;
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
    // The relay holds one connection (its advisory lock) for its lifetime: the application pool, not the owner's
    // two connections, and outbox reads go through SECURITY DEFINER functions.
    @Inject(APP_POOL) appPool: Pool,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {
    this.logger = logger.child({ context: 'CommandResults' });
    this.outbox = new OutboxRelay(
      appPool,
      { publish: (records) => this.publishAnnouncements(records) },
      {
        source: COMMANDS_OUTBOX_SOURCE,
        onError: (err) => this.logger.warn({ err }, 'command announcements not published yet; retrying'),
      },
    );
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
    this.outbox.start();
    // Joining the group may take seconds: readiness does not wait for it, outcomes are read from the commit.
    void this.consumer
      .start(async (batch, control) => {
        const results: DownlinkResult[] = [];
        // Traced: a CONSUMER span per outcome, child of the ingest's send (its traceparent), ended once the outcome
        // is stored: the last link of the command's trace.
        const spans: Span[] = [];
        for (const m of batch.messages) {
          try {
            const result = downlinkResultContract.decode(m.value);
            results.push(result);
            if (this.tracing.enabled) {
              const span = startProcessSpan(this.tracing, batch, m, {
                'smartcity.command.id': result.id,
                'smartcity.command.status': result.status,
                'lwm2m.endpoint': result.endpoint,
              });
              if (span) spans.push(span);
            }
          } catch (err) {
            this.logger.warn({ err, offset: m.offset }, 'invalid downlink result dropped');
          }
        }
        try {
          await this.apply(results);
        } catch (err) {
          for (const span of spans) failSpan(span, err);
          throw err;
        } finally {
          for (const span of spans) span.end();
        }
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
    await this.outbox.stop();
  }

  async apply(results: readonly DownlinkResult[]): Promise<void> {
    const byTenant = new Map<string, DownlinkResult[]>();
    for (const r of results) {
      const list = byTenant.get(r.tenant);
      if (list) list.push(r);
      else byTenant.set(r.tenant, [r]);
    }
    let announced = 0;
    for (const [tenant, list] of byTenant) {
      // One row per command per batch: a SENT and its final outcome in the same batch apply in order.
      for (const round of rounds(list)) {
        announced += await this.db.inTenant(tenant, async (tx) =>
          announce(tx, await this.repository.applyUpdates(tx, round.map(toUpdate))),
        );
      }
    }
    if (announced > 0) this.outbox.kick();
  }

  /**
   * The outbox relay's sink: partner events per tenant (resolved once Kafka acknowledged), then the live updates,
   * best effort (a subscriber that missed one reads the command again).
   */
  private async publishAnnouncements(records: readonly OutboxRecord[]): Promise<void> {
    const byTenant = new Map<string, CommandEvent[]>();
    for (const r of records) {
      if (r.topic === null) continue;
      const list = byTenant.get(r.tenant);
      if (list) list.push(r.payload as CommandEvent);
      else byTenant.set(r.tenant, [r.payload as CommandEvent]);
    }
    for (const [tenant, events] of byTenant) await this.publisher.events(tenant, events);
    const pipeline = this.redis.pipeline();
    for (const r of records) {
      if (r.liveChannel) pipeline.publish(r.liveChannel, JSON.stringify(r.livePayload));
    }
    await pipeline
      .exec()
      .catch((err: unknown) => this.logger.warn({ err }, 'command live updates not published'));
  }

  /** Closes commands lost in transit: open past their deadline plus a grace (see COMMANDS_REAP_GRACE_S). */
  private async reap(): Promise<void> {
    try {
      const announced = await this.db.asPlatformAdmin(async (tx) => {
        const { rows } = await tx.query<CommandRow>(
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
        return announce(tx, rows);
      });
      if (announced > 0) this.outbox.kick();
    } catch (err) {
      this.logger.warn({ err }, 'command reaper failed');
    }
  }
}

/** Writes the announcements of changed commands into the outbox, in their transaction; returns how many. */
async function announce(tx: TxClient, rows: readonly CommandRow[]): Promise<number> {
  await writeOutbox(tx, COMMANDS_OUTBOX_SOURCE, rows.map(announcement));
  return rows.length;
}

/** A command's `command.updated` event (key: device id) and its Redis message (the row, as subscribers read it). */
function announcement(row: CommandRow): OutboxEntry {
  return {
    tenant: row.tenantId,
    topic: cityEventsTopic(row.tenantId),
    key: row.deviceId,
    payload: commandEvent(row),
    liveChannel: commandsChannel(row.tenantId),
    livePayload: row,
  };
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
