import { ContentFormat } from '@smartcity/lwm2m-codec';
import { createLogger } from '@smartcity/platform-observability';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { cityProfile } from '../../apps/simulator/src/devices/city-profile';
import { Fleet } from '../../apps/simulator/src/fleet/fleet';
import { type LeanDeviceState } from './lean-fleet';
import { LeanFleetProcess } from './lean-fleet-process';
import { percentile } from './metrics-scrape';

/** Cumulative counters of a load generator, and the Send round trips since the previous sample. */
export interface GeneratorSample {
  /** Messages the generator meant to send (the lean fleet's rate ticker; the simulator's Sends started). */
  readonly offered: number;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly backoffs: number;
  readonly retransmissions: number;
  readonly timeouts: number;
  readonly backlog: number;
  /** Exchanges outstanding now. */
  readonly outstanding: number;
  /** CPU of the generator's own process (process.cpuUsage), seconds; the simulator's includes the benchmark's. */
  readonly cpuSeconds: number;
  readonly roundTripMs: { p50: number | null; p95: number | null; p99: number | null };
}

export interface LoadGenerator {
  readonly kind: 'lean' | 'simulator';
  readonly endpoints: readonly string[];
  /** Processes to watch from /proc: the generator's (and the benchmark's). */
  readonly pids: Record<string, number>;
  readonly registered: number;
  readonly registerFailures: number;
  setRate(rate: number): Promise<void>;
  sample(): Promise<GeneratorSample>;
  /** Lean fleet only: stop producing, settle every message, and return what each device had acknowledged. */
  drain?(timeoutMs: number): Promise<LeanDeviceState>;
  stop(): Promise<void>;
}

export interface GeneratorOptions {
  readonly tenant: string;
  readonly prefix: string;
  readonly devices: number;
  readonly server: { readonly address: string; readonly port: number };
  readonly seed: number;
  readonly format: 'senml-cbor' | 'senml-json';
  readonly window: number;
}

/** The lean fleet (lean-fleet.ts) in its own process: SenML CBOR Sends of 5 values, one socket per device. */
export async function startLeanGenerator(o: GeneratorOptions): Promise<LoadGenerator> {
  const { fleet, counters } = await LeanFleetProcess.start({
    prefix: o.prefix,
    devices: o.devices,
    server: o.server,
    bindHost: '127.0.0.1',
    lifetime: 600,
    window: o.window,
    registerWindow: 50,
  });
  return {
    kind: 'lean',
    endpoints: fleet.endpoints,
    pids: { bench: process.pid, 'lean-fleet': fleet.pid },
    registered: counters.registered,
    registerFailures: counters.registerFailures,
    setRate: (rate) => fleet.setRate(rate),
    sample: async () => {
      const s = await fleet.sample();
      return {
        offered: s.counters.produced,
        sent: s.counters.sent,
        acked: s.counters.acked,
        failed: s.counters.failed,
        backoffs: s.counters.backoffs,
        retransmissions: s.counters.retransmissions,
        timeouts: s.counters.timeouts,
        backlog: s.backlog,
        outstanding: s.outstanding,
        cpuSeconds: s.cpuMicros / 1e6,
        roundTripMs: s.roundTripMs,
      };
    },
    drain: (timeoutMs) => fleet.drain(timeoutMs),
    stop: () => fleet.stop(),
  };
}

/** The realistic simulator fleet (apps/simulator: one Lwm2mClient per device), inside the benchmark process. */
export async function startSimulatorGenerator(o: GeneratorOptions): Promise<LoadGenerator> {
  const roundTrips: number[] = [];
  const fleet = new Fleet({
    tenant: o.tenant,
    city: cityProfile(o.tenant),
    devices: o.devices,
    server: o.server,
    seed: o.seed,
    mode: 'send',
    endpointPrefix: o.prefix,
    lifetime: 600,
    rate: 0,
    reportIntervalMs: 60_000,
    tickMs: 5000,
    registerConcurrency: 50,
    bindHost: '127.0.0.1',
    sendFormat: o.format === 'senml-cbor' ? ContentFormat.SENML_CBOR : ContentFormat.SENML_JSON,
    timestamps: true,
    models: loadBundledRegistry(),
    logger: createLogger({ app: 'bench', level: 'warn' }),
    onSend: (ms, result) => {
      if (result.startsWith('2.')) roundTrips.push(ms);
    },
  });
  await fleet.start();
  return {
    kind: 'simulator',
    endpoints: fleet.endpoints,
    pids: { 'simulator+bench': process.pid },
    registered: fleet.counters.registered,
    registerFailures: fleet.counters.registerFailures,
    setRate: (rate) => {
      fleet.setRate(rate);
      return Promise.resolve();
    },
    sample: () => {
      const rtt = roundTrips.splice(0).sort((a, b) => a - b);
      const cpu = process.cpuUsage();
      const c = fleet.counters;
      return Promise.resolve({
        offered: c.sent,
        sent: c.sent,
        acked: c.acked,
        failed: c.failed,
        backoffs: 0,
        retransmissions: 0,
        timeouts: 0,
        backlog: fleet.pendingSends,
        outstanding: fleet.pendingSends,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        roundTripMs: { p50: percentile(rtt, 50), p95: percentile(rtt, 95), p99: percentile(rtt, 99) },
      });
    },
    stop: () => fleet.stop(),
  };
}
