import { Inject } from '@nestjs/common';
import { Args, ID, Info, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type GraphQLResolveInfo } from 'graphql';
import { selectsField } from '../common/selection';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { type GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { type GatewayContext } from '../graphql/gateway-context';
import { toDevice } from './device.mapping';
import {
  BulkProvisionResult,
  Device,
  DeviceConnection,
  DeviceFilter,
  ProvisionDeviceInput,
  ProvisionedDevice,
  UpdateDeviceInput,
} from './device.models';
import { DevicesService } from './devices.service';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

@Resolver(() => Device)
export class DevicesResolver {
  constructor(
    private readonly devices: DevicesService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Query(() => DeviceConnection, {
    name: 'devices',
    description: 'Devices of the tenant, filtered, ordered by id, cursor-paginated.',
  })
  @Requires(Permission.ReadDevices)
  listDevices(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => DeviceFilter, nullable: true }) filter: DeviceFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<DeviceConnection> {
    return this.devices.list(principal, filter, first, after, this.config.GRAPHQL_MAX_PAGE_SIZE);
  }

  @Query(() => Device, {
    nullable: true,
    description: 'A device of the tenant; null when it does not exist here.',
  })
  @Requires(Permission.ReadDevices)
  async device(
    @RequestContext() ctx: GatewayContext,
    @Args('id', { type: () => ID }) id: string,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Device | null> {
    const row = selectsField(info, 'state')
      ? await ctx.loaders.deviceWithState(id)
      : await ctx.loaders.devices.load(id);
    return row ? toDevice(row) : null;
  }

  @Mutation(() => ProvisionedDevice, {
    description:
      'Provisions one device in the tenant, with its credential when given (tenant admins): a generated PSK is in ' +
      'the result, once.',
  })
  @Requires(Permission.ManageDevices)
  async provisionDevice(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => ProvisionDeviceInput }) input: ProvisionDeviceInput,
  ): Promise<ProvisionedDevice> {
    const result = await this.devices.provision(principal, [input]);
    const created = result.created[0];
    if (created) return created;
    // The same answers as provisionDevices' skipped reasons: taken here or elsewhere, never saying which.
    if (result.skipped[0]?.reason === 'CREDENTIAL_TAKEN') {
      throw new GatewayException(GatewayErrorCode.BadUserInput, 'credential already in use', {
        argument: 'input.credential',
        reason: 'CREDENTIAL_TAKEN',
      });
    }
    throw new GatewayException(GatewayErrorCode.BadUserInput, 'endpoint already provisioned', {
      argument: 'input.endpoint',
      reason: 'ENDPOINT_TAKEN',
    });
  }

  @Mutation(() => BulkProvisionResult, {
    description:
      'Provisions up to 1000 devices in one transaction, each with its credential when given (tenant admins); ' +
      'devices whose endpoint or credential is taken are skipped and reported. Generated PSKs are in the result, once.',
  })
  @Requires(Permission.ManageDevices)
  provisionDevices(
    @CurrentPrincipal() principal: Principal,
    @Args('devices', { type: () => [ProvisionDeviceInput] }) devices: ProvisionDeviceInput[],
  ): Promise<BulkProvisionResult> {
    return this.devices.provision(principal, devices);
  }

  @Mutation(() => Device)
  @Requires(Permission.ManageDevices)
  updateDevice(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateDeviceInput }) input: UpdateDeviceInput,
  ): Promise<Device> {
    return this.devices.update(principal, id, input);
  }

  @Mutation(() => Device, { description: 'Decommissions a device: the ingest refuses it from now on.' })
  @Requires(Permission.ManageDevices)
  decommissionDevice(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Device> {
    return this.devices.decommission(principal, id);
  }
}
