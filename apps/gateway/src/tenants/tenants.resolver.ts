import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { CreateTenantInput, Tenant, TenantDeletion, UpdateTenantInput } from './tenant.models';
import { TenantsService } from './tenants.service';

@Resolver(() => Tenant)
export class TenantsResolver {
  constructor(private readonly tenants: TenantsService) {}

  @Query(() => [Tenant], { name: 'tenants', description: 'Every tenant (platform admin).' })
  @Requires(Permission.ManageTenants)
  listTenants(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  @Query(() => Tenant, {
    nullable: true,
    description: "A tenant: any for platform admins, otherwise only the caller's own (null for others).",
  })
  @Requires(Permission.ReadSelf)
  tenant(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Tenant | null> {
    return this.tenants.get(principal, id);
  }

  @Mutation(() => Tenant, {
    description: 'Creates a tenant: database rows, Kafka topics, Keycloak organization.',
  })
  @Requires(Permission.ManageTenants)
  createTenant(@Args('input', { type: () => CreateTenantInput }) input: CreateTenantInput): Promise<Tenant> {
    return this.tenants.create(input);
  }

  @Mutation(() => Tenant, { description: 'Updates a tenant and re-ensures its topics and organization.' })
  @Requires(Permission.ManageTenants)
  updateTenant(
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateTenantInput }) input: UpdateTenantInput,
  ): Promise<Tenant> {
    return this.tenants.update(id, input);
  }

  @Mutation(() => TenantDeletion, {
    description:
      'Deletes a tenant everywhere: rows and telemetry, partner topics and ACLs, Keycloak organization, Redis keys. ' +
      'Export first with `npm run -s cli -- tenant export <id> --out <dir>`. `confirm` must repeat the id.',
  })
  @Requires(Permission.ManageTenants)
  deleteTenant(
    @Args('id', { type: () => ID }) id: string,
    @Args('confirm', { type: () => String }) confirm: string,
  ): Promise<TenantDeletion> {
    return this.tenants.delete(id, confirm);
  }
}
