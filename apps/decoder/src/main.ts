import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { describeConfig, loadConfig } from '@smartcity/platform-config';
import { closeRedis, type Redis } from '@smartcity/platform-redis';
import { type Logger, onShutdown, startOpsServer } from '@smartcity/platform-observability';
import { type Pool } from 'pg';
import { type Registry } from 'prom-client';
import { decoderConfigSchema } from './config/decoder.config';
import { DecoderModule } from './decoder.module';
import { DecoderService } from './decoder.service';
import { APP_POOL, LOGGER, METRICS_REGISTRY, REDIS } from './decoder.tokens';

/** The decoder process: lwm2m.uplink.v1 -> TimescaleDB + partner topics + live updates. Ops on :9102. */
async function main(): Promise<void> {
  const config = loadConfig(decoderConfigSchema);
  const app = await NestFactory.createApplicationContext(DecoderModule.register(config), { logger: false });
  const logger = app.get<Logger>(LOGGER);
  logger.info({ config: describeConfig(decoderConfigSchema, config) }, 'decoder starting');
  const decoder = app.get(DecoderService);
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry: app.get<Registry>(METRICS_REGISTRY),
    isReady: () => decoder.isReady(),
  });
  onShutdown(
    logger,
    [
      { name: 'decoder', run: () => decoder.stop() },
      { name: 'ops server', run: () => ops.close() },
      { name: 'redis', run: () => closeRedis(app.get<Redis>(REDIS)) },
      { name: 'database pool', run: () => app.get<Pool>(APP_POOL).end() },
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
