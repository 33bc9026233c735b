import { randomBytes } from 'node:crypto';
import {
  type BootstrapAuthorityRepository,
  type BootstrapRepository,
  type DeviceCredentialRepository,
  generatePskKey,
  isCredentialTaken,
  isPskIdentity,
  PARTNER_EVENTS_OUTBOX_SOURCE,
  typeObjectWrites,
  withTenant,
  writeOutbox,
} from '@smartcity/platform-db';
import { publishDeviceChange, type Redis } from '@smartcity/platform-redis';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { type Pool } from 'pg';
import { bootstrapEvent, bootstrapEventEntry, type SequenceFacts } from './bootstrap-event';
import { type BootstrapOutcome } from './bootstrap-sequence';
import { type VendorAuthorities } from '../security/vendor-authorities';
import { type BootstrapDevice, type BootstrapDevices, type X509Identity } from './bootstrap.handler';
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
    private readonly vendors: {
      readonly authorities: VendorAuthorities;
      readonly repository: BootstrapAuthorityRepository;
    },
    /** Types the configured object writes again before they are written (the models may have changed). */
    private readonly models: ModelRegistry,
  ) {}

  /**
   * An X.509 bootstrap (thingsboard#16173 done right): the endpoint must be the certificate's CN or a SAN (LwM2M
   * Transport 1.1.1 §5.2.9.3); the tenants whose vendor CA issued the chain are looked in, and the device is created
   * when exactly one of them creates devices from its CA and no device has the endpoint yet.
   */
  async byCertificate(identity: X509Identity, endpoint: string): Promise<BootstrapDevice | undefined> {
    if (identity.commonName !== endpoint && !identity.subjectAltNames.includes(endpoint)) return undefined;
    const issuers = this.vendors.authorities.issuersOf(identity.chain);
    const creators = issuers.filter((i) => i.createDevices);
    for (const issuer of issuers) {
      const create = creators.length === 1 && creators[0]!.tenantId === issuer.tenantId;
      const owner = await this.vendors.repository.x509Device(this.pool, issuer.tenantId, endpoint, create);
      if (owner) return owner;
    }
    return undefined;
  }

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
   * and stores it before the device can use it.
   * - A device without a credential (first bootstrap) gets it as its credential at once, and the ingest forgets
   *   what it cached about the device (device-changes channel). Its identity is the endpoint name when it can be one
   *   (RFC 4279 §5.1, printable) and is free, else random.
   * - A device that has a credential (re-bootstrap, rotation) gets it staged, under a new random identity: its
   *   current credential keeps working until it registers with the new one, which the ingest then promotes
   *   ("the old credential stops working once the new registration exists"). A bootstrap that fails half-way
   *   leaves the device its working account.
   */
  async plan(device: BootstrapDevice): Promise<ServerAccount | undefined> {
    const key = generatePskKey();
    const preferred = isPskIdentity(device.endpoint) ? device.endpoint : randomIdentity();
    let planned: { account: ServerAccount; staged: boolean } | undefined;
    for (const identity of [preferred, randomIdentity()]) {
      try {
        planned = await withTenant(this.pool, device.tenantId, async (tx) => {
          const config = await this.bootstrap.configFor(tx, device.tenantId, device.deviceId);
          if (!config) return undefined;
          const staged = (await this.credentials.modeOf(tx, device.deviceId)) !== 'nosec';
          const pskIdentity = staged ? randomIdentity() : identity;
          if (staged) {
            await this.credentials.stagePsk(tx, device.tenantId, device.deviceId, {
              identity: pskIdentity,
              key,
            });
          } else {
            await this.credentials.set(tx, device.tenantId, device.deviceId, {
              mode: 'psk',
              identity: pskIdentity,
              key,
            });
          }
          const objectWrites = typeObjectWrites(config.objectWrites, this.models);
          return {
            account: { ...config, objectWrites, pskIdentity, pskKey: key, rotation: staged },
            staged,
          };
        });
        break;
      } catch (err) {
        if (!isCredentialTaken(err) || identity !== preferred) throw err;
      }
    }
    if (!planned) return undefined;
    if (!planned.staged) {
      await publishDeviceChange(this.redis, {
        tenant: device.tenantId,
        endpoint: device.endpoint,
        change: 'credential-changed',
      });
    }
    return planned.account;
  }

  /**
   * Records a finished sequence and writes its event in the same tenant transaction (the transactional outbox,
   * published by the partner-events relay): the event exists if and only if the record does.
   */
  async ended(device: BootstrapDevice, outcome: BootstrapOutcome, facts: SequenceFacts): Promise<void> {
    await withTenant(this.pool, device.tenantId, async (tx) => {
      if (outcome.outcome === 'finished') await this.bootstrap.markBootstrapped(tx, device.deviceId);
      await writeOutbox(tx, PARTNER_EVENTS_OUTBOX_SOURCE, [
        bootstrapEventEntry(bootstrapEvent(device, outcome, facts)),
      ]);
    });
  }
}

function randomIdentity(): string {
  return `lwm2m-${randomBytes(12).toString('hex')}`;
}
