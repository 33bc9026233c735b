import { Counter, Histogram, type Registry } from 'prom-client';

/** The water job's Prometheus metrics (names prefixed `decoder_water_`). */
export interface WaterMetrics {
  readonly nights: Counter;
  readonly areaDays: Counter;
  /** Alarms the job raised or cleared, by type and status. */
  readonly alarms: Counter<'type' | 'status'>;
  readonly runSeconds: Histogram;
}

export function createWaterMetrics(registry: Registry): WaterMetrics {
  const registers = [registry];
  return {
    nights: new Counter({
      name: 'decoder_water_meter_nights_total',
      help: 'Meter nights (minimum night flow) recomputed by the water job',
      registers,
    }),
    areaDays: new Counter({
      name: 'decoder_water_area_days_total',
      help: 'Area days (daily water balance) recomputed by the water job',
      registers,
    }),
    alarms: new Counter({
      name: 'decoder_water_alarms_total',
      help: 'Alarms the water job raised (status ACTIVE) or cleared (status CLEARED), by type',
      labelNames: ['type', 'status'],
      registers,
    }),
    runSeconds: new Histogram({
      name: 'decoder_water_run_duration_seconds',
      help: 'Duration of one run of the water job over every tenant',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
  };
}
