import { Inject, type Type } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Alarm } from '../alarms/alarm.models';
import { toAlarm } from '../alarms/alarm.mapping';
import { RequestContext } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { GatewayException } from '../errors/gateway.exception';
import { type GatewayContext } from '../graphql/gateway-context';
import { groupState, type ObjectNames, toRegistration } from './device.mapping';
import { Device, ObjectInstanceState, ProvisionedDevice, Registration } from './device.models';
import { OBJECT_NAMES } from './object-names';

/**
 * The field resolvers of a device type. A factory, because a Nest base resolver serves one derived resolver only:
 * `Device` and `ProvisionedDevice` (the Device provisioning returns) each get their own copy of the same fields.
 */
function deviceFieldResolvers<T extends Device>(type: Type<T>) {
  @Resolver(() => type, { isAbstract: true })
  abstract class DeviceFieldsHost {
    constructor(@Inject(OBJECT_NAMES) readonly names: ObjectNames) {}

    @ResolveField(() => Registration, { description: 'Current LwM2M registration.' })
    @Requires(Permission.ReadDevices)
    async registration(@RequestContext() ctx: GatewayContext, @Parent() device: T): Promise<Registration> {
      assertSameTenant(ctx, device.tenantId);
      const row = await ctx.loaders.devices.load(device.id);
      if (!row) throw GatewayException.notFound('device');
      return toRegistration(row, this.names);
    }

    @ResolveField(() => [ObjectInstanceState], { description: 'Latest values grouped by object instance.' })
    @Requires(Permission.ReadDevices)
    async state(@RequestContext() ctx: GatewayContext, @Parent() device: T): Promise<ObjectInstanceState[]> {
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
    async activeAlarms(@RequestContext() ctx: GatewayContext, @Parent() device: T): Promise<Alarm[]> {
      assertSameTenant(ctx, device.tenantId);
      return (await ctx.loaders.activeAlarms.load(device.id)).map(toAlarm);
    }

    @ResolveField(() => String, {
      nullable: true,
      description: "The PSK identity of a PSK device (the tenant's admins); never the key.",
    })
    @Requires(Permission.ManageCredentials)
    pskIdentity(@RequestContext() ctx: GatewayContext, @Parent() device: T): string | null {
      assertSameTenant(ctx, device.tenantId);
      return device.pskIdentity;
    }
  }
  return DeviceFieldsHost;
}

@Resolver(() => Device)
export class DeviceFieldsResolver extends deviceFieldResolvers(Device) {}

@Resolver(() => ProvisionedDevice)
export class ProvisionedDeviceFieldsResolver extends deviceFieldResolvers(ProvisionedDevice) {}
