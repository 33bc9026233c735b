import { ConfigError, describeConfig } from '@smartcity/platform-config';
import { onShutdown } from '@smartcity/platform-observability';
import { BootstrapApp } from './bootstrap.app';
import { bootstrapConfigSchema, loadBootstrapConfig } from './config/bootstrap.config';

/** `node -r ./tools/register.js apps/bootstrap/src/main.ts` */
async function main(): Promise<void> {
  let config;
  try {
    config = loadBootstrapConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = new BootstrapApp(config);
  app.logger.info({ config: describeConfig(bootstrapConfigSchema, config) }, 'configuration');
  onShutdown(app.logger, [{ name: 'bootstrap', run: () => app.stop() }], {
    timeoutMs: config.SHUTDOWN_DRAIN_MS + 10_000,
  });
  try {
    await app.start();
  } catch (err) {
    app.logger.fatal({ err }, 'startup failed');
    await app.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
