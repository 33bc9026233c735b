import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import {
  BootstrapRepository,
  CredentialInputError,
  isBootstrapIdentityTaken,
  type StoredBootstrapConfig,
} from '@smartcity/platform-db';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { type Command, type CommandOptions } from '../commands/command.models';
import { CommandsService } from '../commands/commands.service';
import { TenantDb } from '../db/tenant-db.service';
import { toDevice } from '../devices/device.mapping';
import { type Device } from '../devices/device.models';
import { DevicesRepository } from '../devices/devices.repository';
import { EndpointProbes } from '../devices/endpoint-probes';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { MODEL_REGISTRY } from '../gateway.tokens';
import {
  checkConfigInput,
  checkImportInput,
  checkOverrideInput,
  type ConfigFields,
  type EntryFields,
  type OverrideFields,
} from './bootstrap.validation';
import { rebootstrapPlan } from './rebootstrap.plan';

/** Bootstrap configurations, vendor credential imports and re-bootstrap for the caller's tenant (issue 18). */
@Injectable()
export class BootstrapService {
  constructor(
    private readonly db: TenantDb,
    private readonly bootstrap: BootstrapRepository,
    private readonly devices: DevicesRepository,
    private readonly probes: EndpointProbes,
    private readonly commands: CommandsService,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
  ) {}

  config(principal: Principal): Promise<StoredBootstrapConfig | undefined> {
    const tenant = tenantOf(principal);
    return this.db.inTenant(tenant, (tx) => this.bootstrap.getConfig(tx, tenant));
  }

  async setConfig(principal: Principal, input: ConfigFields): Promise<StoredBootstrapConfig> {
    const tenant = tenantOf(principal);
    const config = checkConfigInput(input, this.models);
    const stored = await this.db.inTenant(tenant, async (tx) => {
      await this.bootstrap.setConfig(tx, tenant, config);
      return this.bootstrap.getConfig(tx, tenant);
    });
    if (!stored) throw new Error('bootstrap configuration not stored');
    return stored;
  }

  /**
   * Sets (or with no field, removes) a device's override. Only for a device with a bootstrap credential, so the
   * override is always visible in its `bootstrap` status; removing is always allowed.
   */
  async setOverride(principal: Principal, deviceId: string, input: OverrideFields | null): Promise<Device> {
    const tenant = tenantOf(principal);
    const override = checkOverrideInput(input);
    const clearing = Object.keys(override).length === 0;
    if (!isUuid(deviceId)) throw GatewayException.notFound('device');
    const row = await this.db.inTenant(tenant, async (tx) => {
      const device = (await this.devices.findByIds(tx, [deviceId]))[0];
      if (!device) return undefined;
      if (!clearing && (await this.bootstrap.statusOf(tx, tenant, [device.id])).length === 0) {
        throw GatewayException.badInput(
          'the device has no bootstrap credential: import it first',
          'deviceId',
        );
      }
      await this.bootstrap.setOverride(tx, tenant, device.id, override);
      return device;
    });
    if (!row) throw GatewayException.notFound('device');
    return toDevice(row);
  }

  /**
   * Imports a vendor batch in one tenant transaction, all lines or none. The devices must exist in the tenant
   * (provisioning is where quotas and the endpoint-name budget apply); an identity any other device has, in this
   * tenant or another, gets one answer that names neither, and a foreign one spends the probe budget as at
   * provisioning (README "Limits").
   */
  async importCredentials(
    principal: Principal,
    batchName: string | null | undefined,
    entries: readonly EntryFields[],
  ): Promise<{ imported: number; replaced: number }> {
    const tenant = tenantOf(principal);
    const { batch, lines } = checkImportInput(batchName, entries);
    await this.probes.assertOpen(tenant);
    try {
      return await this.db.inTenant(tenant, async (tx) => {
        const ids = await this.devices.idsByEndpoint(
          tx,
          lines.map((l) => l.endpoint),
        );
        const resolved = lines.map((l, i) => {
          const deviceId = ids.get(l.endpoint);
          if (!deviceId) {
            throw GatewayException.badInput(
              `entries[${i}]: the tenant has no device "${l.endpoint}" (provision it first)`,
              `entries[${i}]`,
            );
          }
          return { deviceId, identity: l.identity, key: l.key };
        });
        const had = await this.bootstrap.statusOf(
          tx,
          tenant,
          resolved.map((r) => r.deviceId),
        );
        await this.bootstrap.setCredentials(tx, tenant, resolved, batch);
        return { imported: resolved.length, replaced: had.length };
      });
    } catch (err) {
      if (err instanceof CredentialInputError) throw GatewayException.badInput(err.message, 'entries');
      if (!isBootstrapIdentityTaken(err)) throw err;
      const identities = lines.map((l) => l.identity);
      const own = await this.db.inTenant(tenant, (tx) =>
        this.bootstrap.ownedIdentities(tx, tenant, identities),
      );
      await this.probes.spend(tenant, identities.filter((i) => !own.has(i)).length, 'credential');
      throw new GatewayException(
        GatewayErrorCode.BadUserInput,
        'a bootstrap PSK identity of the batch is already in use',
        { argument: 'entries', reason: 'CREDENTIAL_TAKEN' },
      );
    }
  }

  /**
   * Asks the device to bootstrap again (§6.1.4), e.g. to rotate its LwM2M server credential: the device must be the
   * tenant's, active and have a bootstrap credential (else it could not prove itself to the bootstrap server).
   */
  async rebootstrap(
    principal: Principal,
    deviceId: string,
    options: CommandOptions | null | undefined,
  ): Promise<Command> {
    const tenant = tenantOf(principal);
    if (!isUuid(deviceId)) throw GatewayException.notFound('device');
    const found = await this.db.inTenant(tenant, async (tx) => {
      const device = (await this.devices.findByIds(tx, [deviceId]))[0];
      if (!device) return undefined;
      const status = await this.bootstrap.statusOf(tx, tenant, [device.id]);
      return { device, bootstrapped: status.length > 0 };
    });
    if (!found) throw GatewayException.notFound('device');
    if (found.device.decommissionedAt !== null) {
      throw GatewayException.badInput('the device is decommissioned', 'deviceId');
    }
    if (!found.bootstrapped) {
      throw GatewayException.badInput('the device has no bootstrap credential', 'deviceId');
    }
    // The ordinary command path: stored, published on lwm2m.downlink.v1, outcome as for any command.
    return this.commands.issueOne(principal, found.device.id, rebootstrapPlan, options);
  }
}
