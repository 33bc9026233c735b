import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { Tenant } from '../tenants/tenant.models';
import { Plan, SetTenantQuotaInput, TenantQuota, TenantUsageDay } from './quota.models';
import { QuotasService } from './quotas.service';

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Quota and metered usage as fields of a Tenant, plans, and quota changes by platform admins. */
@Resolver(() => Tenant)
export class QuotasResolver {
  constructor(private readonly quotas: QuotasService) {}

  @ResolveField(() => TenantQuota, { description: 'Effective limits (platform admins, the city admins).' })
  @Requires(Permission.ReadUsage)
  quota(@CurrentPrincipal() principal: Principal, @Parent() tenant: Tenant): Promise<TenantQuota> {
    return this.quotas.quota(principal, tenant.id);
  }

  @ResolveField(() => [TenantUsageDay], {
    description: 'Metered usage per UTC day, from..to inclusive (default: the last 31 days).',
  })
  @Requires(Permission.ReadUsage)
  usage(
    @CurrentPrincipal() principal: Principal,
    @Parent() tenant: Tenant,
    @Args('from', { type: () => String, nullable: true, description: 'YYYY-MM-DD' }) from: string | null,
    @Args('to', { type: () => String, nullable: true, description: 'YYYY-MM-DD' }) to: string | null,
  ): Promise<TenantUsageDay[]> {
    return this.quotas.usageOf(principal, tenant.id, from ?? day(-30), to ?? day(0));
  }

  @Query(() => [Plan], { description: 'The plans and their default limits (platform admin).' })
  @Requires(Permission.ManageTenants)
  plans(): Promise<Plan[]> {
    return this.quotas.plans();
  }

  @Mutation(() => TenantQuota, {
    description: "Sets a tenant's plan and per-tenant limits (platform admin).",
  })
  @Requires(Permission.ManageTenants)
  setTenantQuota(
    @CurrentPrincipal() principal: Principal,
    @Args('tenant', { type: () => ID }) tenant: string,
    @Args('input', { type: () => SetTenantQuotaInput }) input: SetTenantQuotaInput,
  ): Promise<TenantQuota> {
    return this.quotas.setQuota(principal, tenant, input);
  }
}
