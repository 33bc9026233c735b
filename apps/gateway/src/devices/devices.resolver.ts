import { Inject } from '@nestjs/common';
import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type GraphQLResolveInfo } from 'graphql';
import { selectsField } from '../common/selection';
import { type Principal } from '@smartcity/platform-auth';
import { Alarm } from '../alarms/alarm.models';
import { toAlarm } from '../alarms/alarm.mapping';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { type GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { type GatewayContext } from '../graphql/gateway-context';
import { groupState, type ObjectNames, toDevice, toRegistration } from './device.mapping';
import {
  BulkProvisionResult,
  Device,
  DeviceConnection,
  DeviceFilter,
  ObjectInstanceState,
  ProvisionDeviceInput,
  Registration,
  UpdateDeviceInput,
} from './device.models';
import { DevicesService } from './devices.service';
import { OBJECT_NAMES } from './object-names';
import { GatewayException } from '../errors/gateway.exception';

@Resolver(() => Device)
export class DevicesResolver {
  constructor(
    private readonly devices: DevicesService,
    @Inject(OBJECT_NAMES) private readonly names: ObjectNames,
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

  @ResolveField(() => Registration, { description: 'Current LwM2M registration.' })
  @Requires(Permission.ReadDevices)
  async registration(@RequestContext() ctx: GatewayContext, @Parent() device: Device): Promise<Registration> {
    assertSameTenant(ctx, device.tenantId);
    const row = await ctx.loaders.devices.load(device.id);
    if (!row) throw GatewayException.notFound('device');
    return toRegistration(row, this.names);
  }

  @ResolveField(() => [ObjectInstanceState], { description: 'Latest values grouped by object instance.' })
  @Requires(Permission.ReadDevices)
  async state(
    @RequestContext() ctx: GatewayContext,
    @Parent() device: Device,
  ): Promise<ObjectInstanceState[]> {
    assertSameTenant(ctx, device.tenantId);
    const [row, rows] = await Promise.all([
      ctx.loaders.devices.load(device.id),
      ctx.loaders.state.load(device.id),
    ]);
    if (!row) return [];
    return groupState(rows, row.objectVersions ?? {}, this.names);
  }

  @ResolveField(() => [Alarm], { description: 'Alarms currently active on the device.' })
  @Requires(Permission.ReadAlarms)
  async activeAlarms(@RequestContext() ctx: GatewayContext, @Parent() device: Device): Promise<Alarm[]> {
    assertSameTenant(ctx, device.tenantId);
    return (await ctx.loaders.activeAlarms.load(device.id)).map(toAlarm);
  }

  @Mutation(() => Device, { description: 'Provisions one device in the tenant.' })
  @Requires(Permission.ManageDevices)
  async provisionDevice(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => ProvisionDeviceInput }) input: ProvisionDeviceInput,
  ): Promise<Device> {
    const result = await this.devices.provision(principal, [input]);
    const created = result.created[0];
    if (!created) throw GatewayException.badInput('endpoint already provisioned', 'input.endpoint');
    return created;
  }

  @Mutation(() => BulkProvisionResult, {
    description:
      'Provisions up to 1000 devices in one transaction; taken endpoints are skipped and reported.',
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
