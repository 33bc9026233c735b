import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { describeConfig, loadConfig } from '@smartcity/platform-config';
import { onShutdown, startOpsServer } from '@smartcity/platform-observability';
import { decoderConfigSchema } from './config/decoder.config';
import { Decoder, type DecoderDeps } from './decoder';
import { DECODER_DEPS, DecoderModule } from './decoder.module';

/** The decoder process: lwm2m.uplink.v1 -> TimescaleDB + partner topics + live updates. Ops on :9102. */
async function main(): Promise<void> {
  const config = loadConfig(decoderConfigSchema);
  const app = await NestFactory.createApplicationContext(DecoderModule.register(config), { logger: false });
  const deps = app.get<DecoderDeps>(DECODER_DEPS);
  const logger = deps.logger;
  logger.info({ config: describeConfig(decoderConfigSchema, config) }, 'decoder starting');
  const decoder = app.get(Decoder);
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry: deps.registry,
    isReady: () => decoder.isReady(),
  });
  onShutdown(
    logger,
    [
      { name: 'decoder', run: () => decoder.stop() },
      { name: 'ops server', run: () => ops.close() },
      // Closes Redis and the database pool (DecoderModule.onApplicationShutdown).
      { name: 'nest context', run: () => app.close() },
    ],
    { timeoutMs: 30_000 },
  );
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  await decoder.start();
  logger.info({ opsPort: ops.port }, 'decoder started');
}

main().catch((err: unknown) => {
  process.stderr.write(`decoder failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
