import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequestContext } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { Device } from '../devices/device.models';
import { type GatewayContext } from '../graphql/gateway-context';
import { DeviceBootstrap } from './bootstrap.models';

/** `Device.bootstrap`: whoever reads devices sees the status; the identity is for credential managers only. */
@Resolver(() => Device)
export class DeviceBootstrapResolver {
  @ResolveField(() => DeviceBootstrap, {
    nullable: true,
    description:
      "The device's vendor bootstrap credential and bootstraps; null when it has none. Never the key.",
  })
  @Requires(Permission.ReadDevices)
  async bootstrap(
    @RequestContext() ctx: GatewayContext,
    @Parent() device: Device,
  ): Promise<DeviceBootstrap | null> {
    assertSameTenant(ctx, device.tenantId);
    const status = await ctx.loaders.bootstrap.load(device.id);
    if (!status) return null;
    const o = status.override;
    return {
      tenantId: device.tenantId,
      identity: status.identity,
      batch: status.batch,
      createdAt: status.createdAt,
      lastBootstrapAt: status.lastBootstrapAt,
      override: o
        ? {
            serverUri: o.serverUri ?? null,
            lifetime: o.lifetime ?? null,
            binding: o.binding ?? null,
            updatedAt: o.updatedAt,
          }
        : null,
    };
  }
}

@Resolver(() => DeviceBootstrap)
export class DeviceBootstrapFieldsResolver {
  @ResolveField(() => String, {
    description: 'The bootstrap PSK identity (the tenant’s admins, like Device.pskIdentity); never the key.',
  })
  @Requires(Permission.ManageCredentials)
  identity(@RequestContext() ctx: GatewayContext, @Parent() status: DeviceBootstrap): string {
    assertSameTenant(ctx, status.tenantId);
    return status.identity;
  }
}
