import { type DatagramTransport, udpPeer, UdpTransport } from '@smartcity/coap';
import { DtlsClientTransport } from '@smartcity/dtls';
import { bootstrapClient, type ClientLogger } from '@smartcity/lwm2m-client';
import { type DevicePsk } from '../config/psk-file';
import { type FleetMetrics } from '../fleet/fleet.metrics';
import { bootstrapFleet } from './bootstrap-fleet';
import { type DeviceAccount, deviceAccountOf, parseServerUri } from './server-account';

export interface BootstrapDevicesOptions {
  readonly endpoints: readonly string[];
  /** The vendor's bootstrap PSK of every endpoint (what the factory flashed). */
  readonly vendor: ReadonlyMap<string, DevicePsk>;
  /** coaps URI of the Bootstrap-Server (Security /0/0 resource 0 of a factory-configured device). */
  readonly bootstrapUri: string;
  readonly bindHost: string;
  readonly concurrency: number;
  readonly attempts: number;
  /** Bound of one bootstrap sequence, ms. */
  readonly timeoutMs?: number;
  readonly logger: ClientLogger;
  readonly metrics?: FleetMetrics;
  readonly signal?: AbortSignal;
}

export interface BootstrappedDevice {
  readonly account: DeviceAccount;
  /** A new transport for the LwM2M server: DTLS with the written PSK, or plain UDP for a NoSec account. */
  readonly transport: () => DatagramTransport;
}

export class MissingVendorCredentialError extends Error {
  override readonly name = 'MissingVendorCredentialError';
}

/**
 * Client-initiated bootstrap (LwM2M Core 1.1.1 §6.1.3) of every device with its vendor PSK through
 * `bootstrapClient`, paced by bootstrapFleet; each device's DTLS session with the bootstrap server is its own and is
 * closed after Bootstrap-Finish. Resolves with the devices that were given an account; the others are logged.
 */
export async function bootstrapDevices(o: BootstrapDevicesOptions): Promise<Map<string, BootstrappedDevice>> {
  const missing = o.endpoints.filter((e) => !o.vendor.has(e));
  if (missing.length > 0)
    throw new MissingVendorCredentialError(
      `--bootstrap-psk-file has no key for ${missing.length} device(s), e.g. ${missing[0]}: import the batch first`,
    );
  const { server } = parseServerUri(o.bootstrapUri);
  const started = Date.now();
  const { accounts, failed } = await bootstrapFleet({
    endpoints: o.endpoints,
    concurrency: o.concurrency,
    attempts: o.attempts,
    ...(o.signal ? { signal: o.signal } : {}),
    bootstrap: async (endpoint) =>
      deviceAccountOf(
        await bootstrapClient({
          endpoint,
          server: udpPeer(server.address, server.port),
          transport: new DtlsClientTransport({
            transport: new UdpTransport({ host: o.bindHost }),
            credentials: { psk: o.vendor.get(endpoint)! },
          }),
          timeoutMs: o.timeoutMs ?? 60_000,
        }),
      ),
    onAttempt: (endpoint, result, attempt, error) => {
      o.metrics?.bootstraps.inc({ result });
      if (result !== 'bootstrapped')
        o.logger.warn(
          { endpoint, attempt, error: error instanceof Error ? error.message : String(error) },
          result === 'retry' ? 'bootstrap failed; will retry' : 'bootstrap failed; device left out',
        );
    },
  });
  o.logger.info(
    { bootstrapped: accounts.size, failed: failed.length, seconds: (Date.now() - started) / 1000 },
    'fleet bootstrapped',
  );
  const out = new Map<string, BootstrappedDevice>();
  for (const [endpoint, account] of accounts) {
    out.set(endpoint, {
      account,
      transport: () =>
        account.psk
          ? new DtlsClientTransport({
              transport: new UdpTransport({ host: o.bindHost }),
              credentials: { psk: account.psk },
            })
          : new UdpTransport({ host: o.bindHost }),
    });
  }
  return out;
}
