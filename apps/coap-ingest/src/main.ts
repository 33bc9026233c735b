import { describeConfig, ConfigError } from '@smartcity/platform-config';
import { onShutdown } from '@smartcity/platform-observability';
import { ingestConfigSchema, loadIngestConfig } from './config/ingest.config';
import { DownlinkService } from './downlink/downlink.service';
import { IngestApp } from './ingest.app';

/** `node -r ./tools/register.js apps/coap-ingest/src/main.ts` */
async function main(): Promise<void> {
  let config;
  try {
    config = loadIngestConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = new IngestApp(config);
  app.logger.info({ config: describeConfig(ingestConfigSchema, config) }, 'configuration');
  const downlink = new DownlinkService(app);
  onShutdown(
    app.logger,
    [
      { name: 'downlink', run: () => downlink.stop() },
      { name: 'ingest', run: () => app.stop() },
    ],
    {
      timeoutMs: config.SHUTDOWN_DRAIN_MS + 10_000,
    },
  );
  try {
    await app.start();
    await downlink.start();
  } catch (err) {
    app.logger.fatal({ err }, 'startup failed');
    await downlink.stop().catch(() => undefined);
    await app.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
