import { BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import {
  type BootstrapConfig,
  loadBootstrapConfig,
} from '../../../apps/bootstrap/src/config/bootstrap.config';
import { logger } from '../../../apps/coap-ingest/src/testing/ingest-harness';

/** The bootstrap server in-process on a free coaps port, silent, without its ops server (the interop tests' one). */
export async function startTestBootstrap(
  run: string,
  overrides: Partial<BootstrapConfig> = {},
): Promise<BootstrapApp> {
  const bootstrap = new BootstrapApp(
    {
      ...loadBootstrapConfig({}),
      COAPS_HOST: '127.0.0.1',
      COAPS_PORT: 0,
      OPS_PORT: 0,
      LOG_LEVEL: 'silent',
      INSTANCE_ID: `test-bootstrap-${run}`,
      SHUTDOWN_DRAIN_MS: 1000,
      ...overrides,
    },
    { logger },
  );
  await bootstrap.start({ ops: false });
  return bootstrap;
}
