/**
 * Simulator of uCIFI fleets: `node -r ./tools/register.js apps/simulator/src/main.ts --tenant lyon --devices 200`.
 * Each device is an LwM2M client on its own UDP socket; see config/cli-args.ts for the options.
 */
import { describeConfig } from '@smartcity/platform-config';
import {
  createLogger,
  createMetricsRegistry,
  onShutdown,
  startOpsServer,
} from '@smartcity/platform-observability';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { CliArgsError, parseCliArgs, splitHostPort, USAGE } from './config/cli-args';
import { loadSimulatorEnv, simulatorEnvSchema } from './config/simulator.config';
import { cityProfile } from './devices/city-profile';
import { Fleet, SEND_FORMATS } from './fleet/fleet';
import { createFleetMetrics } from './fleet/fleet.metrics';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliArgsError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const env = loadSimulatorEnv();
  const logger = createLogger({ app: 'simulator', level: env.LOG_LEVEL, base: { tenant: args.tenant } });
  logger.info({ env: describeConfig(simulatorEnvSchema, env), args }, 'starting simulator');
  const registry = createMetricsRegistry('simulator');
  const metrics = createFleetMetrics(registry);
  const fleet = new Fleet({
    tenant: args.tenant,
    city: cityProfile(args.tenant),
    devices: args.devices,
    server: splitHostPort(args.server),
    seed: args.seed,
    mode: args.mode,
    endpointPrefix: args['endpoint-prefix'] ?? `${args.tenant}-`,
    lifetime: args.lifetime,
    ...(args.rate !== undefined ? { rate: args.rate } : {}),
    reportIntervalMs: args['report-interval'] * 1000,
    tickMs: args.tick * 1000,
    registerConcurrency: args['register-concurrency'],
    bindHost: args['bind-host'],
    sendFormat: SEND_FORMATS[args.format],
    timestamps: args.timestamps === 'true',
    ...(args['queue-mode'] > 0 ? { queueAwakeMs: args['queue-mode'] * 1000 } : {}),
    models: loadBundledRegistry(),
    logger,
    metrics,
  });
  let ready = false;
  const ops = await startOpsServer({
    host: env.SIMULATOR_OPS_HOST,
    port: env.SIMULATOR_OPS_PORT,
    registry,
    isReady: () => ready,
  });
  logger.info({ opsPort: ops.port }, 'ops server listening');
  const timers: NodeJS.Timeout[] = [];
  const shutdown = onShutdown(logger, [
    { name: 'stop timers', run: async () => timers.forEach((t) => clearTimeout(t)) },
    { name: 'de-register fleet', run: () => fleet.stop() },
    { name: 'close ops server', run: () => ops.close() },
  ]);
  await fleet.start();
  ready = true;
  logger.info(
    { devices: fleet.size, registered: fleet.counters.registered, failures: fleet.counters.registerFailures },
    'fleet started',
  );
  for (const e of args.eventSchedule) {
    timers.push(
      setTimeout(() => {
        const endpoint = fleet.inject(e.event, e.endpoint);
        if (!endpoint) logger.warn({ event: e.event, endpoint: e.endpoint }, 'no device for this event');
      }, e.afterSeconds * 1000),
    );
  }
  if (args.duration !== undefined) {
    timers.push(
      setTimeout(() => {
        logger.info({ counters: fleet.counters }, 'duration elapsed');
        void shutdown().then((clean) => process.exit(clean ? 0 : 1));
      }, args.duration * 1000),
    );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `simulator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
