import { ContentFormat } from '@smartcity/lwm2m-codec';
import { createLogger } from '@smartcity/platform-observability';
import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { cityProfile } from '../../../apps/simulator/src/devices/city-profile';
import { Fleet, type ReportMode } from '../../../apps/simulator/src/fleet/fleet';

const models = loadBundledRegistry();

export interface TestFleetOptions {
  readonly tenant: string;
  readonly prefix: string;
  readonly devices: number;
  readonly coapPort: number;
  readonly seed?: number;
  readonly mode?: ReportMode;
  readonly reportIntervalMs?: number;
  readonly rate?: number;
}

/** A simulated city in the test process (the same Fleet the simulator CLI runs), registered before it returns. */
export async function startTestFleet(o: TestFleetOptions): Promise<Fleet> {
  const fleet = new Fleet({
    tenant: o.tenant,
    city: cityProfile(o.tenant),
    devices: o.devices,
    server: { address: '127.0.0.1', port: o.coapPort },
    seed: o.seed ?? 42,
    mode: o.mode ?? 'send',
    endpointPrefix: o.prefix,
    lifetime: 300,
    ...(o.rate !== undefined ? { rate: o.rate } : {}),
    reportIntervalMs: o.reportIntervalMs ?? 2000,
    tickMs: 1000,
    registerConcurrency: 20,
    bindHost: '127.0.0.1',
    sendFormat: ContentFormat.SENML_CBOR,
    timestamps: true,
    models,
    logger: createLogger({ app: 'e2e-simulator', level: 'warn' }),
  });
  await fleet.start();
  return fleet;
}
