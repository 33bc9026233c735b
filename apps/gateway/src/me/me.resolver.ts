import { Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { Me } from './me.models';

@Resolver(() => Me)
export class MeResolver {
  @Query(() => Me)
  @Requires(Permission.ReadSelf)
  me(@CurrentPrincipal() principal: Principal): Me {
    return {
      subject: principal.subject,
      username: principal.username,
      email: principal.email,
      roles: [...principal.roles],
      cityRoles: [...principal.cityRoles].map(([tenant, roles]) => ({ tenant, roles: [...roles] })),
      tenant: principal.tenant,
      memberships: [...principal.memberships],
      utilityDomains: [...principal.utilityDomains],
      tokenExpiresAt: new Date(principal.expiresAt * 1000),
    };
  }
}
