import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { TOPIC_PARTITIONS, TOPICS } from '@smartcity/platform-contracts';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { ensureTopics, KafkaClient } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { freeTcpPort, freeUdpPort } from '../pipeline/ports';
import { AppProcess } from './app-process';
import { type Audit, audit } from './audit';
import { CommandDriver } from './commands';
import { DecoderKiller, type FaultProfile, type FaultRecord, FaultRunner, faultSchedule } from './faults';
import { Fleet, LoadBalancer } from './fleet';
import { PrivateStack } from './private-stack';

export interface ChaosOptions {
  readonly minutes: number;
  readonly rate: number;
  readonly devices: number;
  readonly faults: FaultProfile;
  readonly commandsPerSecond: number;
  readonly pgPauseS: number;
  readonly decoderKillEveryS: number;
  /** Keep the temporary folder (data and app logs) even when the run passes. */
  readonly keep: boolean;
}

export interface ChaosResult {
  readonly options: ChaosOptions;
  readonly audit: Audit;
  readonly faults: readonly FaultRecord[];
  readonly durationS: number;
  readonly load: {
    readonly start: number;
    readonly mean: number;
    readonly max: number;
    readonly end: number;
  };
  readonly devices: Fleet['counters'];
  /** App exits the run did not cause (each restarted a second later). */
  readonly crashes: readonly string[];
  /** Whether every device got its readings acknowledged, the decoder caught up and the outbox emptied in time. */
  readonly drained: boolean;
  readonly dir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One chaos run (issue 16): a private PostgreSQL/Redis/Kafka, two ingest instances behind a simulated balancer and
 * a decoder, all as processes; devices send timestamped readings with unique sequence numbers at a fixed rate and
 * commands are issued, while the fault schedule runs; then everything drains and the audit counts.
 */
export async function runChaos(o: ChaosOptions, say: (line: string) => void): Promise<ChaosResult> {
  const run = Math.random().toString(36).slice(2, 8);
  const tenant = `chaos-${run}`;
  const dir = `/tmp/smartcity-chaos-${run}`;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const t0 = Date.now();
  const loads: number[] = [loadavg()[0]!];
  const sampler = setInterval(() => loads.push(loadavg()[0]!), 5000);
  say(
    `chaos run ${run}: ${o.minutes} min at ${o.rate} msg/s from ${o.devices} devices, ${o.commandsPerSecond} command/s, ` +
      `faults ${o.faults} (decoder SIGKILL every ${o.decoderKillEveryS} s of uptime); data and logs in ${dir}`,
  );
  let stack: PrivateStack | undefined;
  const apps: AppProcess[] = [];
  let fleet: Fleet | undefined;
  let commands: CommandDriver | undefined;
  let owner: ReturnType<typeof createPool> | undefined;
  const logger = createLogger({ app: 'chaos', level: 'silent' });
  let kafka: KafkaClient | undefined;
  let ok = false;
  let stopBalancer = () => undefined as void;
  try {
    stack = await PrivateStack.start(join(dir, 'stack'), (l) => say(`  ${l}`));
    say(
      `private stack up in ${((Date.now() - t0) / 1000).toFixed(0)} s: kafka ${stack.kafkaBrokers}, ${stack.redisUrl}`,
    );
    owner = createPool({ connectionString: stack.databaseOwnerUrl, applicationName: 'chaos-audit', max: 2 });
    await new TenantAdminRepository(owner).create({
      id: tenant,
      name: `Chaos ${run}`,
      autoProvision: true,
      autoProvisionPrefix: `${tenant}-`,
      // The devices speak CoAP without DTLS (NoSec): the run measures delivery, not the handshake.
      allowNosec: true,
      plan: 'enterprise', // 20,000 messages/s: the run's rates stay within the tenant's quota
    });
    kafka = new KafkaClient({ clientId: `chaos-${run}`, brokers: [stack.kafkaBrokers], logger });
    await provisionTopics(kafka);

    const common = {
      KAFKA_BROKERS: stack.kafkaBrokers,
      REDIS_URL: stack.redisUrl,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_OWNER_URL: stack.databaseOwnerUrl,
    };
    const coap: [number, number] = [await freeUdpPort(), await freeUdpPort()];
    const ingests = (['a', 'b'] as const).map(async (name, i) => {
      const ops = await freeTcpPort();
      return new AppProcess(
        `ingest-${name}`,
        'coap-ingest',
        {
          ...common,
          COAP_HOST: '127.0.0.1',
          COAP_PORT: String(coap[i]),
          // Two instances on one host: no shared default coaps port (the devices use NoSec CoAP).
          COAPS_ENABLED: 'false',
          // Every simulated device shares 127.0.0.1: no per-source-address limit (a carrier NAT's, in production).
          RATE_ADDRESS_PER_S: '0',
          OPS_PORT: String(ops),
          INSTANCE_ID: `chaos-ingest-${name}`,
          KAFKA_UPLINK_PARTITIONS: '6',
        },
        `http://127.0.0.1:${ops}`,
        join(dir, 'logs'),
      );
    });
    const [ingestA, ingestB] = await Promise.all(ingests);
    const decoderOps = await freeTcpPort();
    const decoder = new AppProcess(
      'decoder',
      'decoder',
      {
        ...common,
        OPS_PORT: String(decoderOps),
        DECODER_INSTANCE_ID: 'chaos-decoder',
        DECODER_UPLINK_PARTITIONS: '6',
        // A SIGKILLed member holds its partitions until its session expires: 10 s rather than 30 s per kill.
        DECODER_SESSION_TIMEOUT_MS: '10000',
      },
      `http://127.0.0.1:${decoderOps}`,
      join(dir, 'logs'),
    );
    apps.push(ingestA!, ingestB!, decoder);
    await Promise.all([ingestA!.start(), ingestB!.start()]);
    await decoder.start();
    say(`apps ready at ${((Date.now() - t0) / 1000).toFixed(0)} s (ingests on udp ${coap.join(', ')})`);

    const balancer = new LoadBalancer(coap);
    balancer.watch([ingestA!, ingestB!]);
    stopBalancer = () => balancer.stop();
    fleet = new Fleet(`${tenant}-`, o.devices, balancer, 300);
    await fleet.start();
    const registered = await until(60_000, () => fleet!.registered === o.devices);
    say(`${fleet.registered}/${o.devices} devices registered${registered ? '' : ' (continuing)'}`);
    if (fleet.registered < o.devices * 0.9) {
      throw new Error(
        `only ${fleet.registered}/${o.devices} devices registered within 60 s (see the ingest logs)`,
      );
    }
    commands = new CommandDriver(kafka, tenant, () =>
      fleet!.devices.filter((d) => d.registered).map((d) => d.endpoint),
    );
    await commands.start(o.commandsPerSecond);

    const targets = { stack, ingests: [ingestA!, ingestB!] as const, decoder, balancer };
    const faults = new FaultRunner(targets, faultSchedule(o.faults, o.minutes * 60, o.pgPauseS), say);
    const killer = new DecoderKiller(decoder, o.decoderKillEveryS, faults);
    const loadStart = Date.now();
    fleet.setRate(o.rate);
    faults.start();
    if (o.faults !== 'none') killer.start();
    let lastAcked = 0;
    while (Date.now() - loadStart < o.minutes * 60_000) {
      await sleep(Math.min(30_000, o.minutes * 60_000 - (Date.now() - loadStart)));
      const acked = fleet.counters.acked;
      say(
        `[${((Date.now() - loadStart) / 1000).toFixed(0)} s] acknowledged ${acked} (+${((acked - lastAcked) / 30).toFixed(0)}/s), ` +
          `backlog ${fleet.backlog}, decoder lag ${await lag(kafka)}, 5.03/4.29 ${fleet.counters.unavailable}, ` +
          `timeouts ${fleet.counters.timeouts}, load ${loadavg()[0]!.toFixed(1)}`,
      );
      lastAcked = acked;
    }
    fleet.setRate(0);
    commands.stopIssuing();
    await killer.stop();
    await faults.stop();
    say(`load stopped after ${o.minutes} min; draining (devices, decoder lag, outbox, command outcomes)`);
    const drained = await drain(say, fleet, kafka, owner, tenant, commands);
    const result = await audit(owner, kafka, tenant, fleet, commands);
    ok = result.ok && drained;
    const durationS = (Date.now() - t0) / 1000;
    return {
      options: o,
      audit: result,
      faults: faults.log,
      durationS,
      load: {
        start: loads[0]!,
        mean: loads.reduce((a, b) => a + b, 0) / loads.length,
        max: Math.max(...loads),
        end: loadavg()[0]!,
      },
      devices: { ...fleet.counters },
      crashes: apps.flatMap((a) => a.crashes),
      drained,
      dir,
    };
  } finally {
    clearInterval(sampler);
    stopBalancer();
    await commands?.close();
    await fleet?.stop().catch(() => undefined);
    for (const a of [...apps].reverse()) {
      await a.stop('SIGTERM').catch(() => undefined);
      a.close();
    }
    await owner?.end().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    if (ok && !o.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The platform topics, created before the apps start as a deployment provisions them: apps starting together on a
 * brand-new broker otherwise race its metadata (an ingest exited with "This server does not host this
 * topic-partition" when its downlink consumer subscribed right after creating the topic).
 */
async function provisionTopics(kafka: KafkaClient): Promise<void> {
  const large = { 'max.message.bytes': String(8 * 1024 * 1024) };
  const topics = [
    { topic: TOPICS.uplink, partitions: TOPIC_PARTITIONS[TOPICS.uplink], configs: large },
    { topic: TOPICS.uplinkDlq, partitions: TOPIC_PARTITIONS[TOPICS.uplinkDlq], configs: large },
    { topic: TOPICS.downlink, partitions: TOPIC_PARTITIONS[TOPICS.downlink] },
    { topic: TOPICS.downlinkResult, partitions: TOPIC_PARTITIONS[TOPICS.downlinkResult], configs: large },
  ];
  await ensureTopics(kafka, topics);
  const admin = kafka.kafka.admin();
  await admin.connect();
  try {
    await until(60_000, async () => {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        return meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      } catch {
        return false;
      }
    });
  } finally {
    await admin.disconnect();
  }
}

async function until(timeoutMs: number, done: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
  return true;
}

/** Unconsumed uplinks of the decoder group (end offsets minus committed offsets). */
async function lag(kafka: KafkaClient): Promise<number | string> {
  const admin = kafka.kafka.admin();
  try {
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.uplink);
    const [committed] = await admin.fetchOffsets({ groupId: 'decoder', topics: [TOPICS.uplink] });
    let n = 0;
    for (const e of ends) {
      const c = committed?.partitions.find((p) => p.partition === e.partition);
      n += Number(e.high) - Math.max(0, Number(c?.offset ?? 0));
    }
    return n;
  } catch {
    return '?';
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function drain(
  say: (line: string) => void,
  fleet: Fleet,
  kafka: KafkaClient,
  owner: ReturnType<typeof createPool>,
  tenant: string,
  commands: CommandDriver,
): Promise<boolean> {
  const t = Date.now();
  let drained = true;
  const step = async (what: string, timeoutMs: number, done: () => boolean | Promise<boolean>) => {
    const ok = await until(timeoutMs, done);
    drained &&= ok;
    say(`  ${what}: ${ok ? 'done' : 'NOT done'} at +${((Date.now() - t) / 1000).toFixed(0)} s`);
  };
  await step('devices acknowledged everything', 300_000, () => fleet.backlog === 0);
  await step('decoder lag 0', 600_000, async () => (await lag(kafka)) === 0);
  await step('outbox empty', 120_000, async () => {
    const { rows } = await owner.query<{ n: string }>(
      'SELECT count(*) AS n FROM event_outbox WHERE tenant_id = $1',
      [tenant],
    );
    return rows[0]?.n === '0';
  });
  await step('command outcomes in', 180_000, () => commands.open() === 0);
  return drained;
}
