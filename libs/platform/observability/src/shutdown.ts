import { type Logger } from 'pino';

export type ShutdownStep = { readonly name: string; readonly run: () => Promise<void> };

/**
 * Graceful shutdown on SIGTERM/SIGINT: runs the steps in order (stop accepting work, drain in-flight work,
 * flush producers, close connections) under an overall deadline, then exits. A second signal exits at once.
 * Returns a function that runs the same sequence programmatically (tests, fatal errors).
 */
export function onShutdown(
  logger: Logger,
  steps: ShutdownStep[],
  options: { timeoutMs?: number; exit?: (code: number) => void } = {},
): () => Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<boolean> | undefined;

  /** Resolves true when every step succeeded. */
  const shutdown = (): Promise<boolean> => {
    running ??= (async () => {
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'graceful shutdown timed out; exiting');
        exit(1);
      }, timeoutMs);
      timer.unref();
      let failed = false;
      for (const step of steps) {
        const started = Date.now();
        try {
          await step.run();
          logger.info({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
        } catch (err) {
          failed = true;
          logger.error({ step: step.name, err }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      return !failed;
    })();
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    logger.info({ signal }, 'shutting down');
    void shutdown().then((clean) => exit(clean ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
