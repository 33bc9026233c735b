import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The simulator's Prometheus metrics (one set per process). */
export interface FleetMetrics {
  readonly registrations: Counter<'result'>;
  /** Bootstrap attempts (bootstrap mode) by result: bootstrapped, retry, failed. */
  readonly bootstraps: Counter<'result'>;
  readonly uplinks: Counter<'kind' | 'result'>;
  readonly commands: Counter<'operation'>;
  readonly events: Counter<'event'>;
  readonly registered: Gauge;
  readonly observations: Gauge;
  readonly sendLatency: Histogram;
}

export function createFleetMetrics(registry: Registry): FleetMetrics {
  return {
    registrations: new Counter({
      name: 'simulator_registrations_total',
      help: 'Register attempts by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    bootstraps: new Counter({
      name: 'simulator_bootstraps_total',
      help: 'Client-initiated bootstrap attempts by result (bootstrapped, retry, failed)',
      labelNames: ['result'],
      registers: [registry],
    }),
    uplinks: new Counter({
      name: 'simulator_uplinks_total',
      help: 'Send requests by result (response code or transport error)',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    commands: new Counter({
      name: 'simulator_commands_total',
      help: 'Server writes applied to simulated devices',
      labelNames: ['operation'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'simulator_injected_events_total',
      help: 'Injected device events',
      labelNames: ['event'],
      registers: [registry],
    }),
    registered: new Gauge({
      name: 'simulator_devices_registered',
      help: 'Devices currently registered',
      registers: [registry],
    }),
    observations: new Gauge({
      name: 'simulator_observations',
      help: 'Observations established by the server, all devices',
      registers: [registry],
    }),
    sendLatency: new Histogram({
      name: 'simulator_send_latency_seconds',
      help: 'Send round-trip time until the server acknowledged',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
