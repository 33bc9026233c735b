import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { type GatewayConfig } from '../config/gateway.config';
import { toDevice } from '../devices/device.mapping';
import { Device } from '../devices/device.models';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { type GatewayContext } from '../graphql/gateway-context';
import { Alarm, AlarmConnection, AlarmFilter } from './alarm.models';
import { AlarmsService } from './alarms.service';

@Resolver(() => Alarm)
export class AlarmsResolver {
  constructor(
    private readonly alarms: AlarmsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Query(() => AlarmConnection, { name: 'alarms', description: 'Alarms of the tenant, newest first.' })
  @Requires(Permission.ReadAlarms)
  listAlarms(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AlarmFilter, nullable: true }) filter: AlarmFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AlarmConnection> {
    return this.alarms.list(principal, filter, first, after, this.config.GRAPHQL_MAX_PAGE_SIZE);
  }

  @ResolveField(() => Device, { nullable: true })
  @Requires(Permission.ReadDevices)
  async device(@RequestContext() ctx: GatewayContext, @Parent() alarm: Alarm): Promise<Device | null> {
    assertSameTenant(ctx, alarm.tenantId);
    const row = await ctx.loaders.devices.load(alarm.deviceId);
    return row ? toDevice(row) : null;
  }

  @Mutation(() => Alarm, {
    description: 'Acknowledges an alarm (it stays active until its condition clears).',
  })
  @Requires(Permission.HandleAlarms)
  acknowledgeAlarm(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Alarm> {
    return this.alarms.acknowledge(principal, id);
  }

  @Mutation(() => Alarm, { description: 'Clears an alarm by hand.' })
  @Requires(Permission.HandleAlarms)
  clearAlarm(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Alarm> {
    return this.alarms.clear(principal, id);
  }
}
