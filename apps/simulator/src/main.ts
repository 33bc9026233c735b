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
import { UdpTransport } from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { bootstrapDevices, type BootstrappedDevice } from './bootstrap/bootstrap-devices';
import { readVendorCredentials, VendorCredentialsError } from './bootstrap/vendor-credentials';
import { CliArgsError, parseCliArgs, splitHostPort, USAGE } from './config/cli-args';
import { PskFileError, readPskFile } from './config/psk-file';
import { loadSimulatorEnv, simulatorEnvSchema } from './config/simulator.config';
import { cityProfile } from './devices/city-profile';
import { planFleet } from './devices/fleet-plan';
import { Fleet, SEND_FORMATS } from './fleet/fleet';
import { createFleetMetrics } from './fleet/fleet.metrics';
import { DistrictFleet, districtEndpoints } from './district/district-fleet';
import { districtPlan } from './district/district-options';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const printEndpoints = argv.includes('--print-endpoints');
  let args: ReturnType<typeof parseCliArgs>;
  let psks: ReturnType<typeof readPskFile> | undefined;
  let vendor: ReturnType<typeof readVendorCredentials> | undefined;
  try {
    args = parseCliArgs(argv.filter((a) => a !== '--print-endpoints'));
    psks = args['psk-file'] ? readPskFile(args['psk-file']) : undefined;
    vendor = args['bootstrap-psk-file'] ? readVendorCredentials(args['bootstrap-psk-file']) : undefined;
  } catch (error) {
    if (
      !(error instanceof CliArgsError) &&
      !(error instanceof PskFileError) &&
      !(error instanceof VendorCredentialsError)
    )
      throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  // District mode (issue 24): the fleet is one district metered area, on its own clock.
  const district =
    args.district === undefined
      ? undefined
      : districtPlan(
          {
            tenant: args.tenant,
            customers: args.district,
            seed: args.seed,
            ...(args['endpoint-prefix'] !== undefined ? { endpointPrefix: args['endpoint-prefix'] } : {}),
            days: args['district-days'],
            leakDays: args['district-leak-days'],
            leakM3h: args['district-leak-m3h'],
            ...(args['district-growing-meter'] !== undefined
              ? { growingMeter: args['district-growing-meter'] }
              : {}),
            replayMsPerDay: args['district-replay-ms'],
          },
          Date.now(),
        );
  const endpointPrefix = district?.endpointPrefix ?? args['endpoint-prefix'] ?? `${args.tenant}-`;
  const endpoints = district
    ? districtEndpoints(endpointPrefix, district.district.customers)
    : planFleet(args.devices, endpointPrefix, args.seed).map((s) => s.endpoint);
  if (printEndpoints) {
    for (const endpoint of endpoints) process.stdout.write(`${endpoint}\n`);
    return;
  }
  const env = loadSimulatorEnv();
  const logger = createLogger({ app: 'simulator', level: env.LOG_LEVEL, base: { tenant: args.tenant } });
  logger.info({ env: describeConfig(simulatorEnvSchema, env), args }, 'starting simulator');
  const registry = createMetricsRegistry('simulator');
  const metrics = createFleetMetrics(registry);
  let ready = false;
  const ops = await startOpsServer({
    host: env.SIMULATOR_OPS_HOST,
    port: env.SIMULATOR_OPS_PORT,
    registry,
    isReady: () => ready,
  });
  logger.info({ opsPort: ops.port }, 'ops server listening');
  const timers: NodeJS.Timeout[] = [];
  const bootstrapping = new AbortController();
  // Set once the fleet exists (after bootstrapping): a shutdown before then has no fleet to de-register.
  const running: { fleet?: Fleet | DistrictFleet } = {};
  const shutdown = onShutdown(logger, [
    { name: 'stop timers', run: async () => timers.forEach((t) => clearTimeout(t)) },
    { name: 'stop bootstrapping', run: async () => bootstrapping.abort('shutdown') },
    { name: 'de-register fleet', run: () => running.fleet?.stop() ?? Promise.resolve() },
    { name: 'close ops server', run: () => ops.close() },
  ]);
  // Bootstrap mode: every device asks the bootstrap server for its LwM2M server account first (§6.1.3).
  let accounts: Map<string, BootstrappedDevice> | undefined;
  if (args['bootstrap-uri'] !== undefined && vendor) {
    accounts = await bootstrapDevices({
      endpoints,
      vendor,
      bootstrapUri: args['bootstrap-uri'],
      bindHost: args['bind-host'],
      concurrency: args['bootstrap-concurrency'],
      attempts: args['bootstrap-attempts'],
      logger,
      metrics,
      signal: bootstrapping.signal,
    });
    if (bootstrapping.signal.aborted) return;
  }
  if (district) {
    const fleet = new DistrictFleet({
      tenant: args.tenant,
      city: cityProfile(args.tenant),
      endpointPrefix,
      server: splitHostPort(args.server),
      lifetime: args.lifetime,
      bindHost: args['bind-host'],
      district: district.district,
      readingStepMs: district.readingStepMs,
      readingsPerSend: district.readingsPerSend,
      replayPauseMs: district.replayPauseMs,
      concurrency: args['register-concurrency'],
      ...(psks
        ? { transportFor: (endpoint: string) => pskTransport(psks, endpoint, args['bind-host']) }
        : {}),
      ...(accounts ? { accounts } : {}),
      sendFormat: SEND_FORMATS[args.format],
      models: loadBundledRegistry(),
      logger,
    });
    running.fleet = fleet;
    await fleet.start();
    ready = true;
    logger.info({ meters: fleet.endpoints.length, ...fleet.counters }, 'district started');
    if (args.duration !== undefined) {
      timers.push(
        setTimeout(() => {
          logger.info({ counters: fleet.counters }, 'duration elapsed');
          void shutdown().then((clean) => process.exit(clean ? 0 : 1));
        }, args.duration * 1000),
      );
    }
    return;
  }
  const fleet = new Fleet({
    tenant: args.tenant,
    city: cityProfile(args.tenant),
    devices: args.devices,
    server: splitHostPort(args.server),
    seed: args.seed,
    mode: args.mode,
    endpointPrefix,
    lifetime: args.lifetime,
    ...(args.rate !== undefined ? { rate: args.rate } : {}),
    reportIntervalMs: args['report-interval'] * 1000,
    tickMs: args.tick * 1000,
    registerConcurrency: args['register-concurrency'],
    bindHost: args['bind-host'],
    ...(psks ? { transportFor: (endpoint: string) => pskTransport(psks, endpoint, args['bind-host']) } : {}),
    ...(accounts ? { accounts } : {}),
    sendFormat: SEND_FORMATS[args.format],
    timestamps: args.timestamps === 'true',
    ...(args['queue-mode'] > 0 ? { queueAwakeMs: args['queue-mode'] * 1000 } : {}),
    models: loadBundledRegistry(),
    logger,
    metrics,
  });
  running.fleet = fleet;
  await fleet.start();
  ready = true;
  logger.info(
    {
      devices: fleet.size,
      ...(accounts ? { bootstrapped: accounts.size } : {}),
      registered: fleet.counters.registered,
      failures: fleet.counters.registerFailures,
    },
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

/** A device's coaps transport: DTLS 1.2 with its PSK (TLS_PSK_WITH_AES_128_CCM_8, LwM2M Transport 1.1.1 §5.2.8). */
function pskTransport(
  psks: ReturnType<typeof readPskFile>,
  endpoint: string,
  host: string,
): DtlsClientTransport {
  const psk = psks.get(endpoint);
  if (!psk) throw new PskFileError(`--psk-file has no key for ${endpoint}: provision the fleet first`);
  return new DtlsClientTransport({ transport: new UdpTransport({ host }), credentials: { psk } });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `simulator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
