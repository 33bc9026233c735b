import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * One platform app run as a process from its TypeScript entry (as scripts/apps.sh runs it), restartable with the
 * same environment: the chaos schedule kills it (SIGKILL: no shutdown code runs) or restarts it. An exit nobody
 * asked for is counted and followed by a restart a second later, as an orchestrator's restart policy would.
 * Its output goes to `<logDir>/<name>.log` across restarts.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  private stopping = false;
  private closed = false;
  starts = 0;
  /** Exits the run did not cause (crashes), each followed by a restart. */
  readonly crashes: string[] = [];

  constructor(
    readonly name: string,
    private readonly app: 'coap-ingest' | 'decoder',
    private readonly env: Record<string, string>,
    readonly opsUrl: string,
    logDir: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until its /readyz answers 200. */
  async start(timeoutMs = 120_000): Promise<void> {
    this.starts++;
    this.log.write(`--- start ${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['-r', './tools/register.js', `apps/${this.app}/src/main.ts`], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.log.write(`--- exit ${code ?? signal} at ${new Date().toISOString()}\n`);
      if (this.stopping || this.closed || this.child !== child) return;
      this.crashes.push(`${this.name} exited with ${code ?? signal} at ${new Date().toISOString()}`);
      setTimeout(() => {
        if (!this.closed && this.child === child) this.start().catch(() => undefined);
      }, 1000);
    });
    this.child = child;
    // Nothing of the run may outlive it, even when the runner itself is interrupted.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.removeListener('exit', orphan));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited during startup (see its log)`);
      try {
        if ((await fetch(`${this.opsUrl}/readyz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after timeoutMs). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill(signal);
      });
    } finally {
      this.stopping = false;
    }
  }

  /** Whether /readyz answers 200 within timeoutMs (a balancer's health check). */
  async ready(timeoutMs = 1000): Promise<boolean> {
    try {
      return (await fetch(`${this.opsUrl}/readyz`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
    } catch {
      return false;
    }
  }

  /** Reads a counter or gauge from /metrics (sum over labels); undefined when the app does not answer. */
  async metric(name: string): Promise<number | undefined> {
    try {
      const text = await (await fetch(`${this.opsUrl}/metrics`)).text();
      let sum = 0;
      let found = false;
      for (const line of text.split('\n')) {
        if (line.startsWith(name + '{') || line.startsWith(name + ' ')) {
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : undefined;
    } catch {
      return undefined;
    }
  }

  /** No more restarts (end of the run); stop() it first. */
  close(): void {
    this.closed = true;
    this.log.end();
  }
}
