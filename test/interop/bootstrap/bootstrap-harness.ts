import { BootstrapApp } from '../../../apps/bootstrap/src/bootstrap.app';
import {
  type BootstrapConfig,
  loadBootstrapConfig,
} from '../../../apps/bootstrap/src/config/bootstrap.config';
import { LOCAL_STACK } from '@smartcity/platform-config';
import {
  type BootstrapServerConfig,
  BootstrapRepository,
  CredentialKeyring,
  withPlatformAdmin,
} from '@smartcity/platform-db';
import { type IngestTestWorld, logger } from '../../../apps/coap-ingest/src/testing/ingest-harness';
import { type LeshanStartOptions } from '../leshan-client/leshan-client';

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

/** A device's vendor bootstrap PSK, as a vendor batch lists it. */
export interface VendorPsk {
  readonly deviceId: string;
  readonly identity: string;
  readonly key: Buffer;
}

/**
 * Imports vendor bootstrap PSKs into the run's tenant (as `bootstrap import` does) and sets its bootstrap
 * configuration: its devices are given `serverUri` (the test's ingest), binding U.
 */
export async function importVendorBatch(
  world: IngestTestWorld,
  devices: readonly VendorPsk[],
  config: Omit<BootstrapServerConfig, 'binding'>,
  batch?: string,
): Promise<void> {
  const repository = new BootstrapRepository(new CredentialKeyring(LOCAL_STACK.credentialKeys));
  await withPlatformAdmin(world.owner, async (tx) => {
    if (devices.length > 0) await repository.setCredentials(tx, world.tenant, devices, batch);
    await repository.setConfig(tx, world.tenant, { ...config, binding: 'U' });
  });
}

/**
 * How the bootstrap tests start Leshan's client: it bootstraps from `bootstrapPort` over coaps with its vendor PSK,
 * one attempt within a test (the engine would wait 10 minutes before trying again).
 */
export function leshanBootstrapStart(
  bootstrapPort: number,
  device: { readonly endpoint: string; readonly identity: string; readonly key: Buffer },
): LeshanStartOptions {
  return {
    endpoint: device.endpoint,
    bootstrap: {
      uri: `coaps://127.0.0.1:${bootstrapPort}`,
      security: { mode: 'psk', identity: device.identity, key: device.key },
    },
    lifetime: 300,
    retryWaitMs: 600_000,
    requestTimeoutMs: 40_000,
    dtlsRetransmissionMs: 2000,
    dtlsMaxRetransmissions: 3,
  };
}
