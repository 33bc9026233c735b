import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { CreatePartnerInput, Partner, PartnerCredentials } from './partner.models';
import { PartnersService } from './partners.service';

@Resolver(() => Partner)
export class PartnersResolver {
  constructor(private readonly service: PartnersService) {}

  @Query(() => [Partner], { description: 'Partners of the tenant: active ones first, by name.' })
  @Requires(Permission.ManagePartners)
  partners(@CurrentPrincipal() principal: Principal): Promise<Partner[]> {
    return this.service.list(principal);
  }

  @Mutation(() => PartnerCredentials, {
    description:
      'Creates a partner of the tenant with its Kafka SCRAM-SHA-512 user and READ ACLs on the topics chosen and ' +
      'on the consumer groups prefixed with its username. The secret is in this answer only.',
  })
  @Requires(Permission.ManagePartners)
  createPartner(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => CreatePartnerInput }) input: CreatePartnerInput,
  ): Promise<PartnerCredentials> {
    return this.service.create(principal, input);
  }

  @Mutation(() => PartnerCredentials, {
    description: 'Issues a new secret (shown once); the previous one is refused from now on.',
  })
  @Requires(Permission.ManagePartners)
  rotatePartnerSecret(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PartnerCredentials> {
    return this.service.rotateSecret(principal, id);
  }

  @Mutation(() => Partner, {
    description:
      "Deletes the partner's Kafka user and ACLs: refused at its next connection, and its open connections lose " +
      'access at their next request. The partner stays listed as revoked.',
  })
  @Requires(Permission.ManagePartners)
  revokePartner(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Partner> {
    return this.service.revoke(principal, id);
  }
}
