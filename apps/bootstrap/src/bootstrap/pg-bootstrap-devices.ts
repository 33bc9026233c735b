import { randomBytes } from 'node:crypto';
import {
  type BootstrapRepository,
  type DeviceCredentialRepository,
  generatePskKey,
  isCredentialTaken,
  isPskIdentity,
  withTenant,
} from '@smartcity/platform-db';
import { publishDeviceChange, type Redis } from '@smartcity/platform-redis';
import { type Pool } from 'pg';
import { type BootstrapOutcome } from './bootstrap-sequence';
import { type BootstrapDevice, type BootstrapDevices } from './bootstrap.handler';
import { type ServerAccount } from './bootstrap-writes';

/**
 * Storage of the bootstrap server: the bootstrap credential lookup across tenants (SECURITY DEFINER), then the
 * device's tenant transaction (RLS) for its configuration and its new LwM2M server credential.
 */
export class PgBootstrapDevices implements BootstrapDevices {
  constructor(
    private readonly pool: Pool,
    private readonly bootstrap: BootstrapRepository,
    private readonly credentials: DeviceCredentialRepository,
    private readonly redis: Redis,
  ) {}

  byPskIdentity(identity: string): Promise<BootstrapDevice | undefined> {
    return this.bootstrap.resolvePsk(this.pool, identity).then((owner) =>
      owner
        ? {
            tenantId: owner.tenantId,
            deviceId: owner.deviceId,
            endpoint: owner.endpoint,
            decommissioned: owner.decommissioned,
          }
        : undefined,
    );
  }

  /**
   * Generates the device's LwM2M server PSK (16 random bytes, never the bootstrap key: issue 18, thingsboard#8909)
   * and stores it as its device credential before the device can use it; then the ingest forgets what it cached
   * about the device (device-changes channel), so its next handshake reads the new key. The identity is the
   * endpoint name when it can be one (RFC 4279 §5.1, printable), else random; a taken one is replaced by a random one.
   */
  async plan(device: BootstrapDevice): Promise<ServerAccount | undefined> {
    const key = generatePskKey();
    const preferred = isPskIdentity(device.endpoint) ? device.endpoint : randomIdentity();
    let account: ServerAccount | undefined;
    for (const identity of [preferred, randomIdentity()]) {
      try {
        account = await withTenant(this.pool, device.tenantId, async (tx) => {
          const config = await this.bootstrap.configFor(tx, device.tenantId, device.deviceId);
          if (!config) return undefined;
          await this.credentials.set(tx, device.tenantId, device.deviceId, { mode: 'psk', identity, key });
          return { ...config, pskIdentity: identity, pskKey: key };
        });
        break;
      } catch (err) {
        if (!isCredentialTaken(err) || identity !== preferred) throw err;
      }
    }
    if (!account) return undefined;
    await publishDeviceChange(this.redis, {
      tenant: device.tenantId,
      endpoint: device.endpoint,
      change: 'credential-changed',
    });
    return account;
  }

  async ended(device: BootstrapDevice, outcome: BootstrapOutcome): Promise<void> {
    if (outcome.outcome !== 'finished') return;
    await withTenant(this.pool, device.tenantId, (tx) =>
      this.bootstrap.markBootstrapped(tx, device.deviceId),
    );
  }
}

function randomIdentity(): string {
  return `lwm2m-${randomBytes(12).toString('hex')}`;
}
