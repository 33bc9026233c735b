import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { endpointName } from './lean-datagrams';
import { type LeanCounters, type LeanDeviceState, type LeanFleetOptions } from './lean-fleet';

export type ChildRequest =
  | { id: number; op: 'start'; options: Omit<LeanFleetOptions, 'onSend'> }
  | { id: number; op: 'rate'; rate: number }
  | { id: number; op: 'sample' }
  | { id: number; op: 'drain'; timeoutMs: number }
  | { id: number; op: 'stop' };

export interface LeanSample {
  readonly counters: LeanCounters;
  /** User + system CPU of the generator process since it started (process.cpuUsage), microseconds. */
  readonly cpuMicros: number;
  /** Round trips of the Sends answered 2.xx since the previous sample. */
  readonly roundTripMs: { p50: number | null; p95: number | null; p99: number | null; count: number };
  readonly outstanding: number;
  readonly backlog: number;
}

export type ChildReply =
  | { id: number; op: 'started'; counters: LeanCounters }
  | { id: number; op: 'ok' }
  | ({ id: number; op: 'sample' } & LeanSample)
  | { id: number; op: 'drained'; state: LeanDeviceState }
  | { id: number; op: 'error'; message: string };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const ROOT = join(__dirname, '..', '..');

/** The lean fleet run in a child process (lean-fleet.child.ts), driven over IPC. */
export class LeanFleetProcess {
  private nextId = 0;
  private readonly waiting = new Map<number, (r: ChildReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoints: readonly string[],
  ) {
    child.on('message', (r: ChildReply) => {
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Starts the process and registers the fleet. */
  static async start(
    options: Omit<LeanFleetOptions, 'onSend'>,
  ): Promise<{ fleet: LeanFleetProcess; counters: LeanCounters }> {
    const child = fork(join(__dirname, 'lean-fleet.child.ts'), [], {
      cwd: ROOT,
      execArgv: ['-r', './tools/register.js'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const endpoints = Array.from({ length: options.devices }, (_, i) => endpointName(options.prefix, i));
    const fleet = new LeanFleetProcess(child, endpoints);
    const r = await fleet.call({ op: 'start', options });
    if (r.op !== 'started') throw new Error(`lean fleet did not start: ${JSON.stringify(r)}`);
    return { fleet, counters: r.counters };
  }

  async setRate(rate: number): Promise<void> {
    await this.call({ op: 'rate', rate });
  }

  async sample(): Promise<LeanSample> {
    const r = await this.call({ op: 'sample' });
    if (r.op !== 'sample') throw new Error(`lean fleet sample failed: ${JSON.stringify(r)}`);
    return r;
  }

  /** Stops producing and waits until every message is settled; the devices' state, for the row audit. */
  async drain(timeoutMs: number): Promise<LeanDeviceState> {
    const r = await this.call({ op: 'drain', timeoutMs });
    if (r.op !== 'drained') throw new Error(`lean fleet drain failed: ${JSON.stringify(r)}`);
    return r.state;
  }

  /** De-registers the fleet and ends the process. */
  async stop(): Promise<void> {
    if (!this.child.connected) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await Promise.race([this.call({ op: 'stop' }), exited]);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private call(request: WithoutId<ChildRequest>): Promise<ChildReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`lean fleet exited with ${code}`));
      this.child.once('exit', onExit);
      this.waiting.set(id, (r) => {
        this.child.removeListener('exit', onExit);
        if (r.op === 'error') reject(new Error(`lean fleet: ${r.message}`));
        else resolve(r);
      });
      this.child.send({ ...request, id } as ChildRequest);
    });
  }
}
