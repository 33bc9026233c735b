import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { Alarm } from '../alarms/alarm.models';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { toDevice } from '../devices/device.mapping';
import { Device } from '../devices/device.models';
import { type GatewayContext } from '../graphql/gateway-context';
import { CreateWaterAreaInput, UpdateWaterAreaInput, WaterArea, WaterBalance } from './water-area.models';
import { WaterAreasService } from './water-areas.service';

@Resolver(() => WaterArea)
export class WaterAreasResolver {
  constructor(private readonly areas: WaterAreasService) {}

  @Query(() => [WaterArea], { description: 'District metered areas of the tenant, by name.' })
  @Requires(Permission.ReadDevices)
  waterAreas(@CurrentPrincipal() principal: Principal): Promise<WaterArea[]> {
    return this.areas.list(principal);
  }

  @Query(() => WaterArea, {
    nullable: true,
    description: 'An area of the tenant; null when it does not exist here.',
  })
  @Requires(Permission.ReadDevices)
  waterArea(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<WaterArea | null> {
    return this.areas.get(principal, id);
  }

  @Query(() => WaterBalance, {
    description:
      "An area's daily water balance over the local days [from, to] (YYYY-MM-DD, the tenant's time zone), as the " +
      'decoder computed it from the hourly rollups: inflow, billed, non-revenue water, minimum night flow.',
  })
  @Requires(Permission.ReadTelemetry)
  waterBalance(
    @CurrentPrincipal() principal: Principal,
    @Args('areaId', { type: () => ID }) areaId: string,
    @Args('from') from: string,
    @Args('to') to: string,
  ): Promise<WaterBalance> {
    return this.areas.balance(principal, areaId, from, to);
  }

  @Mutation(() => WaterArea, {
    description: 'Defines an area; the decoder computes its balance on its next run.',
  })
  @Requires(Permission.ManageWaterAreas)
  createWaterArea(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => CreateWaterAreaInput }) input: CreateWaterAreaInput,
  ): Promise<WaterArea> {
    return this.areas.create(principal, input);
  }

  @Mutation(() => WaterArea, { description: 'Changes an area; the decoder recomputes its balance horizon.' })
  @Requires(Permission.ManageWaterAreas)
  updateWaterArea(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateWaterAreaInput }) input: UpdateWaterAreaInput,
  ): Promise<WaterArea> {
    return this.areas.update(principal, id, input);
  }

  @Mutation(() => WaterArea, {
    description:
      'Deletes an area with its balance; its active area alarms are cleared. Returns it as it was.',
  })
  @Requires(Permission.ManageWaterAreas)
  deleteWaterArea(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<WaterArea> {
    return this.areas.delete(principal, id);
  }

  @ResolveField(() => Device, { nullable: true })
  @Requires(Permission.ReadDevices)
  async inlet(@RequestContext() ctx: GatewayContext, @Parent() area: WaterArea): Promise<Device | null> {
    assertSameTenant(ctx, area.tenantId);
    const row = await ctx.loaders.devices.load(area.inletDeviceId);
    return row ? toDevice(row) : null;
  }

  @ResolveField(() => [Device])
  @Requires(Permission.ReadDevices)
  async members(@RequestContext() ctx: GatewayContext, @Parent() area: WaterArea): Promise<Device[]> {
    assertSameTenant(ctx, area.tenantId);
    const rows = await ctx.loaders.devices.loadMany(area.memberDeviceIds);
    return rows.flatMap((r) => (r && !(r instanceof Error) ? [toDevice(r)] : []));
  }

  @ResolveField(() => [Alarm], {
    description:
      "Active alarms of the area (area_night_flow_rise, area_loss_rate_rise); with includeMeters also its meters' " +
      '(leak flags, leak_suspected_from_flow). Newest first.',
  })
  @Requires(Permission.ReadAlarms)
  alarms(
    @RequestContext() ctx: GatewayContext,
    @CurrentPrincipal() principal: Principal,
    @Parent() area: WaterArea,
    @Args('includeMeters', { type: () => Boolean, defaultValue: false }) includeMeters: boolean,
  ): Promise<Alarm[]> {
    assertSameTenant(ctx, area.tenantId);
    return this.areas.alarms(principal, area, includeMeters);
  }
}
