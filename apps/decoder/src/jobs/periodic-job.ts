import { type Logger } from '@smartcity/platform-observability';

/**
 * Runs a task every intervalMs (first run after one interval plus jitter, so restarting decoders do not all fire
 * together). Runs never overlap; a failing run is logged and the schedule goes on.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.intervalMs + Math.floor(Math.random() * Math.min(5000, this.intervalMs)));
  }

  /** Runs the task now (tests, operators); waits for a run in progress first. */
  async runNow(): Promise<void> {
    if (this.running) await this.running;
    this.running = this.task().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runNow()
        .catch((err: unknown) => this.logger.error({ err, job: this.name }, 'job run failed'))
        .finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
