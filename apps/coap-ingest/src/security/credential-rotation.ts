import { type DeviceCredentialRepository } from '@smartcity/platform-db';
import { publishDeviceChange, type Redis } from '@smartcity/platform-redis';
import { type Pool } from 'pg';

/** Promotes a staged credential; the app's implementation is PgCredentialRotation, a fake in unit tests. */
export interface CredentialRotation {
  /**
   * The device (its DTLS session authenticated with `identity`, a staged PSK) registers: the staged PSK becomes
   * its credential. True when the identity is now the device's current credential (promoted here, or by another
   * ingest just before).
   */
  promote(device: RotatedDevice, identity: string): Promise<boolean>;
}

export interface RotatedDevice {
  readonly tenant: string;
  readonly deviceId: string;
  readonly endpoint: string;
}

/**
 * Re-bootstrap rotation (issue 18: "the old credential stops working once the new registration exists"): the
 * bootstrap server staged a new LwM2M server PSK (device_credentials_pending) and the device now registers with
 * it. Promotion makes it the device's only credential; then every ingest is told (device-changes channel,
 * `keepPskIdentity`), so the old identity's cached resolution is forgotten and a registration or session made with
 * the old credential is dropped, while this new one is kept.
 */
export class PgCredentialRotation implements CredentialRotation {
  constructor(
    private readonly pool: Pool,
    private readonly repository: DeviceCredentialRepository,
    private readonly redis: Redis,
  ) {}

  async promote(device: RotatedDevice, identity: string): Promise<boolean> {
    const promoted = await this.repository.promotePendingPsk(this.pool, device.deviceId, identity);
    if (!promoted) {
      // A retransmitted or concurrent Register may find it promoted already: current now, or gone (replaced).
      const owner = await this.repository.resolvePsk(this.pool, identity);
      return owner !== undefined && !owner.pending && owner.deviceId === device.deviceId;
    }
    await publishDeviceChange(this.redis, {
      tenant: device.tenant,
      endpoint: device.endpoint,
      change: 'credential-changed',
      keepPskIdentity: identity,
    });
    return true;
  }
}
