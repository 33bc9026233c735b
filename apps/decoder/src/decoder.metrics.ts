import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createWaterMetrics, type WaterMetrics } from './water/water.metrics';

/** The decoder's Prometheus metrics (names prefixed `decoder_`). */
export interface DecoderMetrics {
  readonly messages: Counter<'kind'>;
  readonly timesReplaced: Counter<'bound'>;
  readonly valuesWritten: Counter;
  /** Tenant batches whose plain telemetry insert met a stored row and went in with ON CONFLICT DO NOTHING. */
  readonly idempotentInserts: Counter;
  readonly batchValues: Histogram;
  readonly flushSeconds: Histogram;
  readonly deadLetters: Counter<'code'>;
  readonly retries: Counter<'reason'>;
  readonly liveFailures: Counter;
  readonly queuedValues: Gauge;
  readonly alarmsRaised: Counter;
  readonly retentionDeleted: Counter;
  readonly rollupHours: Counter;
  readonly water: WaterMetrics;
}

export function createDecoderMetrics(registry: Registry): DecoderMetrics {
  const registers = [registry];
  return {
    messages: new Counter({
      name: 'decoder_messages_total',
      help: 'Uplink messages consumed, by kind (registration, update, deregistration, expiry, send, notify, invalid)',
      labelNames: ['kind'],
      registers,
    }),
    timesReplaced: new Counter({
      name: 'decoder_device_times_replaced_total',
      help: 'Device times out of bounds (future: beyond the allowed skew; past: below the floor, or not a number), stored at the receive time',
      labelNames: ['bound'],
      registers,
    }),
    valuesWritten: new Counter({
      name: 'decoder_values_written_total',
      help: 'Telemetry values written (before ON CONFLICT de-duplication)',
      registers,
    }),
    idempotentInserts: new Counter({
      name: 'decoder_telemetry_idempotent_inserts_total',
      help: 'Tenant batches that met already stored telemetry rows (replays, retries) and were inserted idempotently',
      registers,
    }),
    batchValues: new Histogram({
      name: 'decoder_batch_values',
      help: 'Values per flushed batch',
      buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000, 20000],
      registers,
    }),
    flushSeconds: new Histogram({
      name: 'decoder_flush_duration_seconds',
      help: 'Time to store and publish one batch, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    deadLetters: new Counter({
      name: 'decoder_dead_letters_total',
      help: 'Uplinks sent to the DLQ, by error code',
      labelNames: ['code'],
      registers,
    }),
    retries: new Counter({
      name: 'decoder_retries_total',
      help: 'Retries, by reason (unavailable: whole batch; rejected: one message)',
      labelNames: ['reason'],
      registers,
    }),
    liveFailures: new Counter({
      name: 'decoder_live_publish_failures_total',
      help: 'Redis live updates that could not be published',
      registers,
    }),
    queuedValues: new Gauge({
      name: 'decoder_queued_values',
      help: 'Values waiting for the next flush',
      registers,
    }),
    alarmsRaised: new Counter({
      name: 'decoder_communication_loss_alarms_total',
      help: 'Communication-loss alarms raised by the expiry scheduler',
      registers,
    }),
    retentionDeleted: new Counter({
      name: 'decoder_retention_deleted_rows_total',
      help: 'Telemetry rows deleted by per-tenant retention (dropped chunks not included)',
      registers,
    }),
    rollupHours: new Counter({
      name: 'decoder_rollup_hours_total',
      help: 'Tenant-hours recomputed into telemetry_hourly',
      registers,
    }),
    water: createWaterMetrics(registry),
  };
}
