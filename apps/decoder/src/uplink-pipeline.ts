import { isTransientDbError } from '@smartcity/platform-db';
import {
  contextWithSpan,
  failSpan,
  isRecording,
  type Logger,
  type Span,
  SpanKind,
  TRACING_DISABLED,
  type Tracing,
} from '@smartcity/platform-observability';
import { type AlarmTransition, COMMUNICATION_LOSS, DEVICE_PATH } from './alarms/alarm-transition';
import { DecoderError, DecoderErrorCode } from './decoder.errors';
import { type DecoderMetrics } from './decoder.metrics';
import { type DeadLetter } from './delivery/dead-letter';
import { type RetryPolicy } from './delivery/retry-policy';
import { liveChannels, type LivePublisher, type LiveStateMessage } from './publish/live-publisher';
import { isoFromSeconds, type TelemetryMessage, telemetryMessages } from './publish/partner-messages';
import { type PartnerPublisher, type TenantPartnerMessages } from './publish/partner-publisher';
import { type DecodedUplink, type MessageOrigin } from './uplink/decoded-uplink';
import { stateKey, type TenantBatch, type TenantWriteResult } from './write/batch-writer';

/** A consumed message with its decoding outcome (decoded once, when consumed). */
export interface PipelineItem {
  readonly origin: MessageOrigin;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  decoded?: DecodedUplink;
  error?: unknown;
  /** Tracing on: the message's `process` span (child of the ingest's send span, from the record's traceparent). */
  span?: Span;
}

/** The collaborators, behind small interfaces so the pipeline's decisions are unit-testable. */
export interface PipelineDeps {
  readonly decode: (item: PipelineItem) => DecodedUplink;
  readonly writer: { writeTenant(batch: TenantBatch): Promise<TenantWriteResult> };
  readonly partners: Pick<PartnerPublisher, 'publish'>;
  readonly live: LivePublisher;
  /** The relay of the events the writer put in the outbox: told when a flush wrote some. */
  readonly outbox: { kick(): void };
  readonly deadLetters: { send(letters: readonly DeadLetter[]): Promise<void> };
  readonly retry: RetryPolicy;
  readonly metrics: DecoderMetrics;
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  /** False once shutdown started: infrastructure retries stop and the batch is left uncommitted. */
  readonly isRunning: () => boolean;
  /** Tenant groups written concurrently (each takes a pool connection). */
  readonly writeConcurrency: number;
  /** Default off. */
  readonly tracing?: Tracing;
}

/** Number of values an item weighs in a batch (lifecycle events and failures count as one). */
export function itemWeight(item: PipelineItem): number {
  return item.decoded?.kind === 'data' ? Math.max(1, item.decoded.values.length) : 1;
}

/**
 * One flush of the decoder: store the batch (per tenant, idempotent; its events go to the outbox in the same
 * transactions), publish telemetry to partners and wait for Kafka's acknowledgement, dead-letter poison messages,
 * publish live state. Resolves only when everything that must be durable is; the caller then commits the input
 * offsets. Database or Kafka outages are retried here until they end or the decoder stops (then the flush rejects
 * and nothing is committed). Events are published by the outbox relay, so a retry cannot lose them.
 */
export class UplinkPipeline {
  private readonly tracing: Tracing;

  constructor(private readonly deps: PipelineDeps) {
    this.tracing = deps.tracing ?? TRACING_DISABLED;
  }

  async flush(items: readonly PipelineItem[]): Promise<void> {
    const started = process.hrtime.bigint();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.flushOnce(items);
        this.deps.metrics.flushSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return;
      } catch (err) {
        const decision = this.deps.retry.decide(err, attempt);
        if (decision.kind !== 'retry-batch' || !this.deps.isRunning()) throw err;
        this.deps.metrics.retries.inc({ reason: 'unavailable' });
        this.deps.logger.warn(
          { err, attempt, delayMs: decision.delayMs },
          'batch failed on an unavailable dependency; retrying',
        );
        await this.deps.sleep(decision.delayMs);
      }
    }
  }

  private async flushOnce(items: readonly PipelineItem[]): Promise<void> {
    const letters: DeadLetter[] = [];
    const good: DecodedUplink[] = [];
    for (const item of items) {
      if (item.decoded) {
        good.push(item.decoded);
        continue;
      }
      const outcome = await this.retryDecode(item);
      if ('letter' in outcome) letters.push(outcome.letter);
      else good.push(outcome.decoded);
    }

    const byOrigin = new Map<string, PipelineItem>();
    for (const item of items) byOrigin.set(originKey(item.origin), item);
    const results = await this.writeAll(groupByTenant(good), byOrigin, letters);

    if (results.some(({ result }) => result.events > 0)) this.deps.outbox.kick();
    const partnerBatches: TenantPartnerMessages[] = [];
    for (const { batch } of results) partnerBatches.push(partnerMessages(batch));
    await this.deps.partners.publish(partnerBatches).catch((err: unknown) => {
      throw new DecoderError(
        DecoderErrorCode.Unavailable,
        `partner publish failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    });

    if (letters.length > 0) {
      await this.deps.deadLetters.send(letters).catch((err: unknown) => {
        throw new DecoderError(
          DecoderErrorCode.Unavailable,
          `DLQ publish failed: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      });
      for (const l of letters) {
        const span = byOrigin.get(originKey(l.origin))?.span;
        if (span) {
          span.addEvent('dead-lettered', { 'smartcity.attempts': l.attempts });
          failSpan(span, l.error);
        }
        this.deps.metrics.deadLetters.inc({
          code: l.error instanceof DecoderError ? l.error.code : 'UNEXPECTED',
        });
        this.deps.logger.warn(
          {
            err: l.error,
            topic: l.origin.topic,
            partition: l.origin.partition,
            offset: l.origin.offset,
            attempts: l.attempts,
          },
          'uplink dead-lettered',
        );
      }
    }

    let values = 0;
    for (const { result } of results) {
      values += result.valuesWritten;
      if (result.insertPath === 'idempotent') this.deps.metrics.idempotentInserts.inc();
    }
    this.deps.metrics.valuesWritten.inc(values);
    this.deps.metrics.batchValues.observe(values);
    this.publishLive(results);
  }

  /** A message whose decoding threw something unexpected gets its attempts; deterministic failures none. */
  private async retryDecode(
    item: PipelineItem,
  ): Promise<{ decoded: DecodedUplink } | { letter: DeadLetter }> {
    let error = item.error;
    for (let attempt = 1; ; attempt++) {
      const decision = this.deps.retry.decide(error, attempt);
      if (decision.kind === 'dead-letter') return { letter: letterOf(item, error, attempt) };
      await this.deps.sleep(decision.delayMs);
      try {
        const decoded = this.deps.decode(item);
        item.decoded = decoded;
        return { decoded };
      } catch (err) {
        error = err;
      }
    }
  }

  private async writeAll(
    groups: Map<string, DecodedUplink[]>,
    byOrigin: ReadonlyMap<string, PipelineItem>,
    letters: DeadLetter[],
  ): Promise<{ batch: TenantBatch; result: TenantWriteResult }[]> {
    const out: { batch: TenantBatch; result: TenantWriteResult }[] = [];
    const tenants = [...groups.keys()];
    let next = 0;
    const worker = async () => {
      while (next < tenants.length) {
        const tenant = tenants[next++]!;
        const uplinks = groups.get(tenant)!;
        out.push(...(await this.writeTenant(tenant, uplinks, byOrigin, letters)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.writeConcurrency, tenants.length) }, worker));
    return out;
  }

  /**
   * Writes a tenant's group in one transaction. When the database rejects it for a reason that is not an outage,
   * the group is split into single messages so one bad message cannot hold back the others: each then gets the
   * retry policy's attempts and is dead-lettered after the last.
   */
  private async writeTenant(
    tenant: string,
    uplinks: DecodedUplink[],
    byOrigin: ReadonlyMap<string, PipelineItem>,
    letters: DeadLetter[],
  ): Promise<{ batch: TenantBatch; result: TenantWriteResult }[]> {
    const batch = tenantBatch(tenant, uplinks);
    try {
      return [{ batch, result: await this.write(batch, byOrigin) }];
    } catch (err) {
      if (isTransientDbError(err)) throw unavailable(err);
      this.deps.logger.warn(
        { err, tenant, messages: uplinks.length },
        'tenant batch rejected; isolating messages',
      );
    }
    const out: { batch: TenantBatch; result: TenantWriteResult }[] = [];
    for (const uplink of uplinks) {
      const single = tenantBatch(tenant, [uplink]);
      for (let attempt = 1; ; attempt++) {
        try {
          out.push({ batch: single, result: await this.write(single, byOrigin) });
          break;
        } catch (err) {
          if (isTransientDbError(err)) throw unavailable(err);
          const rejected = new DecoderError(DecoderErrorCode.StorageRejected, (err as Error).message, {
            cause: err,
          });
          const decision = this.deps.retry.decide(rejected, attempt);
          if (decision.kind === 'dead-letter') {
            const item = byOrigin.get(originKey(uplink.origin));
            if (item) letters.push(letterOf(item, rejected, attempt));
            break;
          }
          this.deps.metrics.retries.inc({ reason: 'rejected' });
          await this.deps.sleep(decision.delayMs);
        }
      }
    }
    return out;
  }

  /**
   * One tenant batch to TimescaleDB. Traced, each *recorded* message of the batch gets its own CLIENT span
   * `write telemetry` for this one statement, child of its process span: the batch holds messages of many traces,
   * and a single batch span linked to them would sit in a trace of its own, while a parent per message keeps every
   * uplink one connected trace (CoAP request -> Kafka send -> process -> decode, write) with the write's true time.
   * The cost is one span per sampled message, the same as the other per-message spans; unsampled messages (their
   * traceparent says not sampled) and tracing off get none.
   */
  private async write(
    batch: TenantBatch,
    byOrigin: ReadonlyMap<string, PipelineItem>,
  ): Promise<TenantWriteResult> {
    if (!this.tracing.enabled) return this.deps.writer.writeTenant(batch);
    const spans: Span[] = [];
    for (const uplink of batch.uplinks) {
      const parent = byOrigin.get(originKey(uplink.origin))?.span;
      if (!isRecording(parent)) continue;
      spans.push(
        this.tracing.tracer.startSpan(
          'write telemetry',
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'db.system.name': 'postgresql',
              'db.operation.name': 'write tenant batch',
              'db.operation.batch.size': batch.uplinks.length,
              'smartcity.tenant': batch.tenant,
            },
          },
          contextWithSpan(parent),
        ),
      );
    }
    try {
      const result = await this.deps.writer.writeTenant(batch);
      for (const span of spans) {
        span.setAttributes({
          'smartcity.values_written': result.valuesWritten,
          'smartcity.insert_path': result.insertPath,
        });
        span.end();
      }
      return result;
    } catch (err) {
      for (const span of spans) {
        failSpan(span, err);
        span.end();
      }
      throw err;
    }
  }

  /**
   * Live state is best effort: a Redis failure is logged and counted, never blocks the commit. (Alarm and device
   * live updates come from the outbox relay, with their events.)
   */
  private publishLive(results: readonly { batch: TenantBatch; result: TenantWriteResult }[]): void {
    const sends: Promise<void>[] = [];
    for (const { result } of results) {
      if (result.stateChanged.size > 0) {
        const byDevice = new Map<string, LiveStateMessage['values'][number][]>();
        const c = result.latest;
        for (let i = 0; i < c.time.length; i++) {
          if (!result.stateChanged.has(stateKey(c.deviceId[i]!, c.path[i]!))) continue;
          let values = byDevice.get(c.deviceId[i]!);
          if (!values) byDevice.set(c.deviceId[i]!, (values = []));
          values.push({
            path: c.path[i]!,
            metric: c.metric[i]!,
            time: isoFromSeconds(c.time[i]!),
            value: c.valueNum[i] ?? c.valueBool[i] ?? c.valueText[i] ?? c.valueJson[i] ?? null,
            unit: c.unit[i] ?? null,
          });
        }
        for (const [deviceId, values] of byDevice) {
          const message: LiveStateMessage = { v: 1, tenant: result.tenant, deviceId, values };
          sends.push(this.deps.live.publish(liveChannels.state(result.tenant), message));
        }
      }
    }
    for (const s of sends) {
      s.catch((err: unknown) => {
        this.deps.metrics.liveFailures.inc();
        this.deps.logger.debug({ err }, 'live update not published');
      });
    }
  }
}

function originKey(o: MessageOrigin): string {
  return `${o.topic}/${o.partition}/${o.offset}`;
}

function unavailable(err: unknown): DecoderError {
  return new DecoderError(DecoderErrorCode.Unavailable, `database unavailable: ${(err as Error).message}`, {
    cause: err,
  });
}

function letterOf(item: PipelineItem, error: unknown, attempts: number): DeadLetter {
  return { origin: item.origin, key: item.key, value: item.value, headers: item.headers, error, attempts };
}

function groupByTenant(uplinks: readonly DecodedUplink[]): Map<string, DecodedUplink[]> {
  const groups = new Map<string, DecodedUplink[]>();
  for (const u of uplinks) {
    let g = groups.get(u.message.tenant);
    if (!g) groups.set(u.message.tenant, (g = []));
    g.push(u);
  }
  return groups;
}

/**
 * The tenant's batch with the alarm transitions its uplinks imply: rule transitions computed at decode time, and a
 * registration, update or de-registration clears a communication-loss alarm (the device is heard from again, or
 * left on purpose: LwM2M Core 1.1.1 §6.2).
 */
function tenantBatch(tenant: string, uplinks: DecodedUplink[]): TenantBatch {
  const transitions: AlarmTransition[] = [];
  for (const u of uplinks) {
    if (u.kind === 'data') {
      for (const t of u.alarms) transitions.push(t);
    } else if (u.message.kind !== 'expiry') {
      transitions.push({
        action: 'clear',
        tenantId: tenant,
        deviceId: u.message.deviceId,
        type: COMMUNICATION_LOSS,
        path: DEVICE_PATH,
        severity: 'MAJOR',
        timeSec: u.message.receivedAt / 1000,
      });
    }
  }
  return { tenant, uplinks, alarmTransitions: transitions };
}

function partnerMessages(batch: TenantBatch): TenantPartnerMessages {
  const telemetry: TelemetryMessage[] = [];
  for (const u of batch.uplinks) {
    if (u.kind === 'data' && u.values.length > 0) telemetry.push(...telemetryMessages(u));
  }
  return { tenant: batch.tenant, telemetry };
}
