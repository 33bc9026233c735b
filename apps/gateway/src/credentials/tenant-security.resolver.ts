import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { GatewayException } from '../errors/gateway.exception';
import { Tenant } from '../tenants/tenant.models';
import { TenantsService } from '../tenants/tenants.service';
import { CredentialsService } from './credentials.service';

/** A tenant's NoSec setting: its city admins (their own city) and platform admins (any). */
@Resolver(() => Tenant)
export class TenantSecurityResolver {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly tenants: TenantsService,
  ) {}

  @ResolveField(() => Boolean, {
    description:
      'Devices without a credential may register over plain CoAP (NoSec). New tenants refuse it (platform admins, ' +
      'the city admins).',
  })
  @Requires(Permission.ManageTenantSecurity)
  allowNosec(@CurrentPrincipal() principal: Principal, @Parent() tenant: Tenant): boolean {
    this.credentials.assertMaySeeNosec(principal, tenant.id);
    return tenant.allowNosec;
  }

  @Mutation(() => Tenant, {
    description:
      'Allows or refuses NoSec devices in a tenant (platform admins, the city admins). Refusing it drops the live ' +
      'registrations of its devices without a credential at once.',
  })
  @Requires(Permission.ManageTenantSecurity)
  async setTenantAllowNosec(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('allow', { type: () => Boolean }) allow: boolean,
  ): Promise<Tenant> {
    await this.credentials.setAllowNosec(principal, id, allow);
    const tenant = await this.tenants.get(principal, id);
    if (!tenant) throw GatewayException.notFound('tenant');
    return tenant;
  }
}
