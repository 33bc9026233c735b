import {
  type BatchControl,
  type ConsumedBatch,
  type ConsumedMessage,
  type KafkaConsumer,
  startProcessSpan,
} from '@smartcity/platform-kafka';
import { contextWithSpan, failSpan, TRACING_DISABLED, type Tracing } from '@smartcity/platform-observability';
import { type BatchAccumulator } from './batching/batch-accumulator';
import { type DecoderMetrics } from './decoder.metrics';
import { itemWeight, type PipelineItem } from './uplink-pipeline';
import { type DecodedUplink } from './uplink/decoded-uplink';

const HEARTBEAT_EVERY_MS = 3000;

interface Chunk {
  readonly items: PipelineItem[];
  weight: number;
  lastOffset: string;
}

/**
 * The Kafka side of the decoder: decodes each consumed message once, cuts a partition's batch into chunks of at
 * most maxWeight values, hands them to the accumulator (which joins chunks of all partitions into database
 * batches) and marks offsets done only as far as every earlier chunk of the partition was flushed. Offsets are
 * committed by the consumer wrapper after the handler returns: never before the database committed.
 */
export class UplinkConsumer {
  constructor(
    private readonly consumer: KafkaConsumer,
    private readonly accumulator: BatchAccumulator<PipelineItem>,
    private readonly decode: (item: PipelineItem) => DecodedUplink,
    private readonly metrics: DecoderMetrics,
    private readonly maxWeight: number,
    private readonly tracing: Tracing = TRACING_DISABLED,
  ) {}

  start(): Promise<void> {
    return this.consumer.start((batch, control) => this.handle(batch, control));
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  async handle(batch: ConsumedBatch, control: BatchControl): Promise<void> {
    const chunks: Chunk[] = [];
    let current: Chunk | undefined;
    for (const m of batch.messages) {
      const item: PipelineItem = {
        origin: { topic: batch.topic, partition: batch.partition, offset: m.offset },
        key: m.key,
        value: m.value,
        headers: m.headers,
      };
      // Tracing off: one boolean test per message, no span.
      if (this.tracing.enabled) item.span = startProcessSpan(this.tracing, batch, m);
      try {
        item.decoded = item.span ? this.decodeTraced(item, m) : this.decode(item);
        this.metrics.messages.inc({ kind: item.decoded.message.kind });
        const replaced = item.decoded.kind === 'data' ? item.decoded.timesReplaced : undefined;
        if (replaced?.future) this.metrics.timesReplaced.inc({ bound: 'future' }, replaced.future);
        if (replaced?.past) this.metrics.timesReplaced.inc({ bound: 'past' }, replaced.past);
      } catch (err) {
        item.error = err;
        this.metrics.messages.inc({ kind: 'invalid' });
      }
      const weight = itemWeight(item);
      if (!current || (current.weight + weight > this.maxWeight && current.items.length > 0)) {
        current = { items: [], weight: 0, lastOffset: m.offset };
        chunks.push(current);
      }
      current.items.push(item);
      current.weight += weight;
      current.lastOffset = m.offset;
    }
    if (chunks.length === 0) return;

    const flushed = chunks.map((c) => this.accumulator.submit(c.items, c.weight));
    this.metrics.queuedValues.set(this.accumulator.queuedWeight);
    const heartbeat = setInterval(() => {
      control.heartbeat().catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    try {
      for (let i = 0; i < chunks.length; i++) {
        try {
          await flushed[i];
        } catch (err) {
          // Later chunks may still complete, but their offsets cannot be committed past this one.
          await Promise.allSettled(flushed.slice(i + 1));
          for (const chunk of chunks.slice(i)) endSpans(chunk.items, err);
          throw err;
        }
        control.markDone(chunks[i]!.lastOffset);
        endSpans(chunks[i]!.items);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The decode as a child span of the message's process span (which continues the ingest's send span). */
  private decodeTraced(item: PipelineItem, m: ConsumedMessage): DecodedUplink {
    const span = this.tracing.tracer.startSpan(
      'decode uplink',
      { attributes: { 'messaging.message.body.size': m.value?.length ?? 0 } },
      contextWithSpan(item.span!),
    );
    try {
      const decoded = this.decode(item);
      span.setAttributes({
        'lwm2m.uplink.kind': decoded.message.kind,
        'lwm2m.endpoint': decoded.message.endpoint,
        'smartcity.tenant': decoded.message.tenant,
        ...(decoded.kind === 'data' ? { 'smartcity.values': decoded.values.length } : {}),
      });
      return decoded;
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  }
}

/**
 * A message's process span ends once its chunk was flushed (written, published) and its offset may be committed,
 * or with the flush's error (it will be redelivered, and traced again then).
 */
function endSpans(items: readonly PipelineItem[], err?: unknown): void {
  for (const item of items) {
    if (!item.span) continue;
    if (err !== undefined) failSpan(item.span, err);
    item.span.end();
  }
}
