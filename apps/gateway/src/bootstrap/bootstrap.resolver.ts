import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { Command, CommandOptions } from '../commands/command.models';
import { Device } from '../devices/device.models';
import {
  BootstrapConfig,
  BootstrapConfigInput,
  BootstrapCredentialEntryInput,
  BootstrapImportResult,
  BootstrapOverrideInput,
} from './bootstrap.models';
import { BootstrapService } from './bootstrap.service';
import { MAX_IMPORT_ENTRIES } from './bootstrap.validation';

/**
 * Bootstrap (issue 18, LwM2M Core 1.1.1 §6.1): the tenant's configuration, vendor credential imports and
 * re-bootstrap. They hand out or replace device credentials, so they belong to whoever manages credentials
 * (city admins, platform admins), as device credentials do.
 */
@Resolver()
export class BootstrapResolver {
  constructor(private readonly bootstrap: BootstrapService) {}

  @Query(() => BootstrapConfig, {
    nullable: true,
    description: "The tenant's bootstrap configuration; null when it has none (its devices get 4.04).",
  })
  @Requires(Permission.ManageCredentials)
  async bootstrapConfig(@CurrentPrincipal() principal: Principal): Promise<BootstrapConfig | null> {
    return (await this.bootstrap.config(principal)) ?? null;
  }

  @Mutation(() => BootstrapConfig, {
    description: 'Sets what the bootstrap server writes into the tenant’s devices at their next bootstrap.',
  })
  @Requires(Permission.ManageCredentials)
  setBootstrapConfig(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => BootstrapConfigInput }) input: BootstrapConfigInput,
  ): Promise<BootstrapConfig> {
    return this.bootstrap.setConfig(principal, input);
  }

  @Mutation(() => Device, {
    description:
      "Sets a device's override of the tenant's bootstrap configuration (the device needs a bootstrap credential); " +
      'no field (or no input) removes it.',
  })
  @Requires(Permission.ManageCredentials)
  setDeviceBootstrapOverride(
    @CurrentPrincipal() principal: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('input', { type: () => BootstrapOverrideInput, nullable: true })
    input: BootstrapOverrideInput | null,
  ): Promise<Device> {
    return this.bootstrap.setOverride(principal, deviceId, input);
  }

  @Mutation(() => Device, { description: "Removes a device's bootstrap override." })
  @Requires(Permission.ManageCredentials)
  clearDeviceBootstrapOverride(
    @CurrentPrincipal() principal: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
  ): Promise<Device> {
    return this.bootstrap.setOverride(principal, deviceId, null);
  }

  @Mutation(() => BootstrapImportResult, {
    description:
      `Imports a vendor batch of bootstrap PSKs for devices of the tenant, all or nothing, at most ` +
      `${MAX_IMPORT_ENTRIES} entries per call. Keys are stored encrypted and never returned. An identity in use ` +
      'anywhere is answered CREDENTIAL_TAKEN without naming the device.',
  })
  @Requires(Permission.ManageCredentials)
  importBootstrapCredentials(
    @CurrentPrincipal() principal: Principal,
    @Args('batch', { type: () => String, nullable: true }) batch: string | null,
    @Args('entries', { type: () => [BootstrapCredentialEntryInput] })
    entries: BootstrapCredentialEntryInput[],
  ): Promise<BootstrapImportResult> {
    return this.bootstrap.importCredentials(principal, batch, entries);
  }

  @Mutation(() => Command, {
    description:
      'Server-initiated bootstrap (LwM2M Core 1.1.1 §6.1.4): an Execute of /1/0/9 (Bootstrap-Request Trigger, ' +
      '§E.2, LwM2M 1.1) sent as a device command; the device then bootstraps again and gets a new LwM2M server PSK.',
  })
  @Requires(Permission.ManageCredentials)
  rebootstrapDevice(
    @CurrentPrincipal() principal: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.bootstrap.rebootstrap(principal, deviceId, options);
  }
}
