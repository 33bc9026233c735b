import { type AppProcess } from './app-process';
import { type LoadBalancer } from './fleet';
import { type PrivateStack } from './private-stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the faults act on: processes the run started, never the shared stack. */
export interface FaultTargets {
  readonly stack: PrivateStack;
  readonly ingests: readonly [AppProcess, AppProcess];
  readonly decoder: AppProcess;
  readonly balancer: LoadBalancer;
}

export type FaultProfile = 'all' | 'ci' | 'none';

export interface FaultRecord {
  readonly atS: number;
  readonly name: string;
  readonly durationS: number;
  readonly error?: string;
}

interface Scheduled {
  readonly at: number;
  readonly name: string;
  readonly run: (t: FaultTargets) => Promise<void>;
}

/** An instance crashes (SIGKILL) and is started again; the balancer's health checks move its devices meanwhile. */
const crashIngest = (i: 0 | 1) => async (t: FaultTargets) => {
  await t.ingests[i].stop('SIGKILL');
  await sleep(2000);
  await t.ingests[i].start();
};

/** A rolling restart: the balancer drains the instance first, the instance shuts down gracefully (SIGTERM). */
const restartIngest = (i: 0 | 1) => async (t: FaultTargets) => {
  t.balancer.drain(i, true);
  await t.ingests[i].stop('SIGTERM');
  await t.ingests[i].start();
  t.balancer.drain(i, false);
};

/**
 * The schedule over a run of `durationS` seconds (issue 16 "Chaos run"): one ingest instance of two crashed and
 * one restarted, the Kafka broker restarted (twice), PostgreSQL paused (SIGSTOP) for `pgPauseS`, Redis restarted;
 * the decoder SIGKILL loop runs besides (DecoderKiller). The CI profile keeps an ingest crash, a Redis restart and
 * a shorter PostgreSQL pause.
 */
export function faultSchedule(profile: FaultProfile, durationS: number, pgPauseS: number): Scheduled[] {
  const at = (fraction: number) => Math.round(durationS * fraction);
  const pause = (t: FaultTargets) => t.stack.pausePostgres(pgPauseS * 1000);
  switch (profile) {
    case 'none':
      return [];
    case 'ci':
      return [
        { at: at(0.25), name: 'ingest A SIGKILL + restart', run: crashIngest(0) },
        { at: at(0.5), name: 'redis restart', run: (t) => t.stack.restartRedis() },
        { at: at(0.65), name: `postgres SIGSTOP ${pgPauseS} s`, run: pause },
      ];
    case 'all':
      return [
        { at: at(0.1), name: 'ingest A SIGKILL + restart', run: crashIngest(0) },
        { at: at(0.25), name: 'kafka restart', run: (t) => t.stack.restartKafka() },
        { at: at(0.4), name: `postgres SIGSTOP ${pgPauseS} s`, run: pause },
        { at: at(0.55), name: 'ingest B SIGTERM + restart', run: restartIngest(1) },
        { at: at(0.7), name: 'redis restart', run: (t) => t.stack.restartRedis() },
        { at: at(0.85), name: 'kafka restart', run: (t) => t.stack.restartKafka() },
      ];
  }
}

/** Runs the schedule from start(); every fault is awaited by stop() so the audit sees the platform whole again. */
export class FaultRunner {
  readonly log: FaultRecord[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  private started = 0;

  constructor(
    private readonly targets: FaultTargets,
    private readonly schedule: readonly Scheduled[],
    private readonly say: (line: string) => void,
  ) {}

  start(): void {
    this.started = Date.now();
    for (const f of this.schedule) {
      this.timers.push(setTimeout(() => void this.fire(f.name, () => f.run(this.targets)), f.at * 1000));
    }
  }

  /** Records one fault (also used by the decoder killer). */
  fire(name: string, run: () => Promise<void>): Promise<void> {
    const at = (Date.now() - this.started) / 1000;
    this.say(`[${at.toFixed(0)} s, ${new Date().toISOString().slice(11, 19)}] fault: ${name}`);
    const took = () => (Date.now() - this.started) / 1000 - at;
    const p: Promise<void> = run()
      .then(() => {
        this.log.push({ atS: at, name, durationS: took() });
      })
      .catch((err: unknown) => {
        this.log.push({ atS: at, name, durationS: took(), error: String(err) });
        this.say(`[${at.toFixed(0)} s] fault ${name} failed: ${String(err)}`);
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
    return p;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

/**
 * SIGKILL of the decoder every `everyS` seconds of its uptime (the clock starts when it is ready again, so each
 * incarnation consumes a while), restarted at once, as a crash-looping pod would be.
 */
export class DecoderKiller {
  private stopped = false;
  private loop: Promise<void> | undefined;
  kills = 0;

  constructor(
    private readonly decoder: AppProcess,
    private readonly everyS: number,
    private readonly faults: FaultRunner,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const until = Date.now() + this.everyS * 1000;
      while (!this.stopped && Date.now() < until) await sleep(250);
      if (this.stopped) return;
      this.kills++;
      await this.faults.fire(`decoder SIGKILL #${this.kills}`, async () => {
        await this.decoder.stop('SIGKILL');
        for (let attempt = 1; ; attempt++) {
          try {
            await this.decoder.start();
            return;
          } catch (err) {
            if (attempt >= 5) throw err;
            await this.decoder.stop('SIGKILL');
          }
        }
      });
    }
  }
}
