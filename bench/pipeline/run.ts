/**
 * Pipeline benchmark: `npm run bench -- [options]` (a command that prints figures, never a test).
 * K simulated devices send SenML CBOR at R messages/s over real UDP -> coap-ingest -> Kafka -> decoder ->
 * TimescaleDB, R rising step by step until a stage saturates. Per step: sustained messages/s and values/s,
 * device-send to row-visible latency (p50/p95/p99), Send round trip, Kafka lag, CPU and memory per process.
 * `--target host:port` sends the same load to another LwM2M server (only the device-side figures then).
 * The load comes from the lean fleet (lean-fleet.ts, its own process) unless `--fleet simulator` asks for the
 * realistic one (apps/simulator, one Lwm2mClient per device); with the lean fleet, every acknowledged message is
 * checked against its rows at the end (row-audit.ts).
 * The JSON result goes to bench/results/pipeline-<time>.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { Kafka, logLevel } from 'kafkajs';
import { LatencyProbe } from './latency-probe';
import { type LoadGenerator, startLeanGenerator, startSimulatorGenerator } from './load-generator';
import { percentile, scrape, sumMetric } from './metrics-scrape';
import { type Pipeline, startPipeline } from './platform-processes';
import { type ProcessSample, sampleProcess, stackPids } from './process-stats';
import { auditRows, type RowAudit } from './row-audit';

interface Options {
  devices: number;
  rates: number[];
  stepSeconds: number;
  warmupSeconds: number;
  target?: string;
  format: 'senml-cbor' | 'senml-json';
  out: string;
  seed: number;
  fleet: 'lean' | 'simulator';
  /** Lean fleet: CON exchanges outstanding at once across the fleet. */
  window: number;
  /** Run every step even after one saturated (the first saturated step is still the result's). */
  keepGoing: boolean;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rates = (get('rates') ?? get('rate') ?? '250,500,1000,2000,3000,4000').split(',').map(Number);
  if (rates.some((r) => !(r > 0))) throw new Error('--rates must be positive numbers');
  const target = get('target');
  const format = get('format') ?? 'senml-cbor';
  if (format !== 'senml-cbor' && format !== 'senml-json') throw new Error('--format senml-cbor|senml-json');
  const fleet = get('fleet') ?? 'lean';
  if (fleet !== 'lean' && fleet !== 'simulator') throw new Error('--fleet lean|simulator');
  if (fleet === 'lean' && format !== 'senml-cbor') throw new Error('the lean fleet sends SenML CBOR only');
  const devices = Number(get('devices') ?? Math.max(200, Math.ceil(Math.max(...rates) / 8)));
  return {
    // The ingest limits each endpoint to 10 messages/s (RATE_ENDPOINT_PER_S): enough devices for the top rate.
    devices,
    rates,
    stepSeconds: Number(get('step') ?? 20),
    warmupSeconds: Number(get('warmup') ?? 5),
    ...(target ? { target } : {}),
    format,
    out: get('out') ?? join(__dirname, '..', 'results'),
    seed: Number(get('seed') ?? 42),
    fleet,
    // By default only NSTART = 1 per device bounds what is outstanding, as in a real fleet.
    window: Number(get('window') ?? devices),
    keepGoing: argv.includes('--keep-going'),
  };
}

interface StepResult {
  targetRate: number;
  seconds: number;
  sent: number;
  acked: number;
  failed: number;
  ackedPerSecond: number;
  ingestUplinksPerSecond: number | null;
  decodedMessagesPerSecond: number | null;
  valuesPerSecond: number | null;
  sendRoundTripMs: { p50: number | null; p95: number | null; p99: number | null };
  /** The load generator in the step: what it offered, its back-offs and retransmissions, its own CPU. */
  generator: {
    offeredPerSecond: number;
    backoffs: number;
    retransmissions: number;
    timeouts: number;
    backlogEnd: number;
    /** Exchanges outstanding at the end of the step, and the window (lean fleet). */
    outstandingEnd: number;
    /** process.cpuUsage of the generator's process (the simulator's includes the benchmark's own work). */
    cpuPercent: number;
  };
  endToEndLatencyMs: { p50: number | null; p95: number | null; p99: number | null; samples: number };
  kafkaLag: { start: number | null; end: number | null };
  /** Decoder batches flushed to TimescaleDB in the step: count, mean duration, mean values per batch. */
  decoderFlushes: { perSecond: number | null; meanMs: number | null; meanValues: number | null };
  processes: Record<string, { cpuPercent: number; rssMiB: number }>;
  /** 1-minute load average at the end of the step: the machine is shared, figures under load are not comparable. */
  loadAverage: number;
  saturated: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kafkaLag(
  admin: ReturnType<Kafka['admin']>,
  topic: string,
  group: string,
): Promise<number | null> {
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return ends.reduce(
      (sum, p) => sum + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)),
      0,
    );
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const run = Math.random().toString(36).slice(2, 8);
  const tenant = `bench${run}`;
  const prefix = `${tenant}-`;
  const say = (line: string) => process.stdout.write(line + '\n');
  say(
    `pipeline benchmark ${run}: ${o.devices} devices, rates ${o.rates.join(', ')} msg/s, ${o.stepSeconds} s steps`,
  );

  const owner = o.target
    ? undefined
    : createPool({
        connectionString:
          process.env.DATABASE_OWNER_URL ||
          'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
        applicationName: 'bench',
        max: 3,
      });
  const tenants = owner ? new TenantAdminRepository(owner) : undefined;
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
    clientId: `bench-${run}`,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let pipeline: Pipeline | undefined;
  let fleet: LoadGenerator | undefined;
  const steps: StepResult[] = [];
  let appTails: Record<string, string[]> = {};
  let rowAudit: RowAudit | undefined;
  try {
    let server = { address: '127.0.0.1', port: 5683 };
    if (o.target) {
      const i = o.target.lastIndexOf(':');
      server = { address: o.target.slice(0, i), port: Number(o.target.slice(i + 1)) };
    } else {
      await tenants?.create({
        id: tenant,
        name: `Benchmark ${run}`,
        autoProvision: true,
        autoProvisionPrefix: prefix,
        allowNosec: true, // the benchmark fleet is NoSec
        plan: 'enterprise', // 20,000 messages/s: the run's rates stay within the tenant's quota
      });
      say('starting coap-ingest and decoder...');
      pipeline = await startPipeline(run, { partitions: 6 });
      server = { address: '127.0.0.1', port: pipeline.coapPort };
      await admin.connect();
    }
    say(`registering ${o.devices} ${o.fleet} devices with ${server.address}:${server.port}...`);
    const generatorOptions = {
      tenant,
      prefix,
      devices: o.devices,
      server,
      seed: o.seed,
      format: o.format,
      window: o.window,
    };
    fleet =
      o.fleet === 'lean'
        ? await startLeanGenerator(generatorOptions)
        : await startSimulatorGenerator(generatorOptions);
    say(`registered ${fleet.registered}, failed ${fleet.registerFailures}`);
    const probeEndpoints = fleet.endpoints.filter(
      (_e, i) => i % Math.max(1, Math.floor(o.devices / 40)) === 0,
    );
    const probe = owner ? new LatencyProbe(owner, tenant, probeEndpoints) : undefined;
    probe?.start();
    const statusText = o.target
      ? ''
      : execFileSync('bash', ['deploy/local/stack', 'status'], {
          cwd: join(__dirname, '..', '..'),
        }).toString();
    const watched: Record<string, number> = { ...fleet.pids, ...stackPids(statusText) };
    for (const app of pipeline?.apps ?? []) watched[app.name] = app.pid;

    for (const rate of o.rates) {
      await fleet.setRate(rate);
      await sleep(o.warmupSeconds * 1000);
      probe?.take();
      const c0 = await fleet.sample();
      const m0 = await pipelineMetrics(pipeline);
      const lag0 = pipeline ? await kafkaLag(admin, pipeline.uplinkTopic, pipeline.decoderGroup) : null;
      const p0 = sampleAll(watched);
      const t0 = Date.now();
      await sleep(o.stepSeconds * 1000);
      const seconds = (Date.now() - t0) / 1000;
      const p1 = sampleAll(watched);
      const c1 = await fleet.sample();
      const m1 = await pipelineMetrics(pipeline);
      const lag1 = pipeline ? await kafkaLag(admin, pipeline.uplinkTopic, pipeline.decoderGroup) : null;
      const e2e = (probe?.take() ?? []).sort((a, b) => a - b);
      const rateOf = (a: number | null, b: number | null) =>
        a === null || b === null ? null : round((b - a) / seconds);
      const step: StepResult = {
        targetRate: rate,
        seconds: round(seconds),
        sent: c1.sent - c0.sent,
        acked: c1.acked - c0.acked,
        failed: c1.failed - c0.failed,
        ackedPerSecond: round((c1.acked - c0.acked) / seconds),
        ingestUplinksPerSecond: rateOf(m0.uplinks, m1.uplinks),
        decodedMessagesPerSecond: rateOf(m0.decoded, m1.decoded),
        valuesPerSecond: rateOf(m0.values, m1.values),
        sendRoundTripMs: {
          p50: r(c1.roundTripMs.p50),
          p95: r(c1.roundTripMs.p95),
          p99: r(c1.roundTripMs.p99),
        },
        generator: {
          offeredPerSecond: round((c1.offered - c0.offered) / seconds),
          backoffs: c1.backoffs - c0.backoffs,
          retransmissions: c1.retransmissions - c0.retransmissions,
          timeouts: c1.timeouts - c0.timeouts,
          backlogEnd: c1.backlog,
          outstandingEnd: c1.outstanding,
          cpuPercent: round(((c1.cpuSeconds - c0.cpuSeconds) / seconds) * 100),
        },
        endToEndLatencyMs: {
          p50: r(percentile(e2e, 50)),
          p95: r(percentile(e2e, 95)),
          p99: r(percentile(e2e, 99)),
          samples: e2e.length,
        },
        kafkaLag: { start: lag0, end: lag1 },
        decoderFlushes: flushStats(m0, m1, seconds),
        processes: usage(p0, p1, seconds),
        loadAverage: round(loadavg()[0] ?? 0),
        saturated: null,
      };
      step.saturated = saturation(step, rate, fleet.kind);
      steps.push(step);
      printStep(say, step);
      if (step.saturated) {
        say(`saturated at ${rate} msg/s: ${step.saturated}`);
        if (!o.keepGoing) break;
      }
    }
    probe?.stop();
    if (fleet.drain && owner && pipeline) {
      say('draining: every message settled, then the decoder caught up, then the rows audited...');
      const state = await fleet.drain(120_000);
      await caughtUp(admin, pipeline, 900_000);
      rowAudit = await auditRows(owner, tenant, state);
      say(
        `row audit: ${rowAudit.acknowledged} messages acknowledged, ${rowAudit.storedRows} rows of ` +
          `${rowAudit.expectedRows} expected; lost ${rowAudit.lost}, duplicated ${rowAudit.duplicated}, ` +
          `unexpected ${rowAudit.unexpected} (${rowAudit.inFlightAtEnd} unanswered at the end): ` +
          (rowAudit.ok ? 'OK' : 'FAILED'),
      );
    } else {
      await fleet.setRate(0);
    }
  } finally {
    // The apps' last warnings and errors explain a saturated or stuck stage.
    appTails = Object.fromEntries(
      (pipeline?.apps ?? []).map((a) => [a.name, a.output().trim().split('\n').slice(-15)]),
    );
    // De-register before the ingest stops, so no registration of a deleted tenant is left to expire.
    await fleet?.stop().catch(() => undefined);
    await pipeline?.stop().catch(() => undefined);
    if (!o.target) {
      await admin
        .deleteTopics({
          topics: [
            pipeline?.uplinkTopic ?? '',
            `city.${tenant}.telemetry.v1`,
            `city.${tenant}.events.v1`,
          ].filter(Boolean),
        })
        .catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await tenants?.delete(tenant).catch(() => undefined);
    }
    await owner?.end();
  }
  const result = {
    kind: 'pipeline',
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    appLogTails: appTails,
    options: o,
    target: o.target ?? 'platform (coap-ingest -> Kafka -> decoder -> TimescaleDB)',
    steps,
    saturatedAt: steps.find((s) => s.saturated)?.targetRate ?? null,
    firstSaturatedStage: steps.find((s) => s.saturated)?.saturated ?? null,
    rowAudit: rowAudit ?? null,
  };
  mkdirSync(o.out, { recursive: true });
  const file = join(o.out, `pipeline-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  say(`result written to ${file}`);
  if (rowAudit && !rowAudit.ok) process.exitCode = 1;
}

/** Waits until the decoder group has consumed everything (its commits follow TimescaleDB's). */
async function caughtUp(
  admin: ReturnType<Kafka['admin']>,
  pipeline: Pipeline,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await kafkaLag(admin, pipeline.uplinkTopic, pipeline.decoderGroup)) === 0) return;
    await sleep(1000);
  }
  throw new Error(`the decoder did not catch up within ${timeoutMs / 1000} s`);
}

interface PipelineCounters {
  uplinks: number | null;
  decoded: number | null;
  values: number | null;
  flushes: number | null;
  flushSeconds: number | null;
}

async function pipelineMetrics(pipeline: Pipeline | undefined): Promise<PipelineCounters> {
  if (!pipeline) return { uplinks: null, decoded: null, values: null, flushes: null, flushSeconds: null };
  const [ingest, decoder] = await Promise.all([
    scrape(pipeline.opsUrls['coap-ingest'] + '/metrics'),
    scrape(pipeline.opsUrls.decoder + '/metrics'),
  ]);
  return {
    uplinks: ingest ? sumMetric(ingest, 'coap_ingest_uplinks_total') : null,
    decoded: decoder ? sumMetric(decoder, 'decoder_messages_total') : null,
    values: decoder ? sumMetric(decoder, 'decoder_values_written_total') : null,
    flushes: decoder ? sumMetric(decoder, 'decoder_flush_duration_seconds_count') : null,
    flushSeconds: decoder ? sumMetric(decoder, 'decoder_flush_duration_seconds_sum') : null,
  };
}

function flushStats(a: PipelineCounters, b: PipelineCounters, seconds: number): StepResult['decoderFlushes'] {
  if (a.flushes === null || b.flushes === null || a.flushSeconds === null || b.flushSeconds === null) {
    return { perSecond: null, meanMs: null, meanValues: null };
  }
  const n = b.flushes - a.flushes;
  const values = a.values !== null && b.values !== null ? b.values - a.values : null;
  return {
    perSecond: round(n / seconds),
    meanMs: n > 0 ? round(((b.flushSeconds - a.flushSeconds) / n) * 1000) : null,
    meanValues: n > 0 && values !== null ? round(values / n) : null,
  };
}

function sampleAll(pids: Record<string, number>): Record<string, ProcessSample | undefined> {
  // The benchmark's own process alone: coap-ingest, the decoder and the lean fleet are its children, watched apart.
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, sampleProcess(pid, { tree: pid !== process.pid })]),
  );
}

function usage(
  a: Record<string, ProcessSample | undefined>,
  b: Record<string, ProcessSample | undefined>,
  seconds: number,
) {
  const out: Record<string, { cpuPercent: number; rssMiB: number }> = {};
  for (const [name, s1] of Object.entries(b)) {
    const s0 = a[name];
    if (!s0 || !s1) continue;
    out[name] = {
      cpuPercent: round(((s1.cpuSeconds - s0.cpuSeconds) / seconds) * 100),
      rssMiB: round(s1.rssBytes / 1048576),
    };
  }
  return out;
}

/** Names the first stage that could not keep up, or null. */
function saturation(s: StepResult, rate: number, kind: LoadGenerator['kind']): string | null {
  const name = kind === 'lean' ? 'lean-fleet' : 'simulator+bench';
  const cpu = s.processes[name]?.cpuPercent ?? s.generator.cpuPercent;
  const offered = s.generator.offeredPerSecond;
  if (offered < rate * 0.9 || cpu > 90)
    return `load generator (${kind} fleet at ${cpu}% CPU offered ${offered}/s)`;
  if (s.ackedPerSecond < offered * 0.95)
    return (
      `coap-ingest (acknowledged ${s.ackedPerSecond}/s of ${offered}/s offered; ${s.failed} failed, ` +
      `${s.generator.backoffs} 5.03/4.29, ${s.generator.retransmissions} retransmissions, ` +
      `send rtt p50/p99 ${s.sendRoundTripMs.p50}/${s.sendRoundTripMs.p99} ms, ${s.generator.outstandingEnd} outstanding)`
    );
  if (
    s.kafkaLag.start !== null &&
    s.kafkaLag.end !== null &&
    s.kafkaLag.end - s.kafkaLag.start > rate * s.seconds * 0.1
  ) {
    return `decoder (Kafka lag grew from ${s.kafkaLag.start} to ${s.kafkaLag.end})`;
  }
  if ((s.endToEndLatencyMs.p95 ?? 0) > 10_000)
    return `end-to-end latency (p95 ${s.endToEndLatencyMs.p95} ms)`;
  return null;
}

function printStep(say: (l: string) => void, s: StepResult): void {
  const procs = Object.entries(s.processes)
    .map(([n, p]) => `${n} ${p.cpuPercent}% ${p.rssMiB}MiB`)
    .join(', ');
  say(
    `rate ${s.targetRate}/s: acked ${s.ackedPerSecond}/s (failed ${s.failed}), ingest ${s.ingestUplinksPerSecond ?? '-'}/s, ` +
      `decoded ${s.decodedMessagesPerSecond ?? '-'} msg/s, ${s.valuesPerSecond ?? '-'} values/s, ` +
      `e2e p50/p95/p99 ${s.endToEndLatencyMs.p50}/${s.endToEndLatencyMs.p95}/${s.endToEndLatencyMs.p99} ms (${s.endToEndLatencyMs.samples}), ` +
      `send rtt p50/p99 ${s.sendRoundTripMs.p50}/${s.sendRoundTripMs.p99} ms, lag ${s.kafkaLag.start}->${s.kafkaLag.end}, load ${s.loadAverage}, ` +
      `generator offered ${s.generator.offeredPerSecond}/s at ${s.generator.cpuPercent}% CPU (process.cpuUsage), ` +
      `${s.generator.backoffs} back-offs, ${s.generator.retransmissions} retransmissions, backlog ${s.generator.backlogEnd}, ${s.generator.outstandingEnd} outstanding, ` +
      `decoder flushes ${s.decoderFlushes.perSecond}/s of ${s.decoderFlushes.meanValues} values in ${s.decoderFlushes.meanMs} ms\n    ${procs}`,
  );
}

const round = (x: number) => Math.round(x * 10) / 10;
const r = (x: number | null) => (x === null ? null : round(x));

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
