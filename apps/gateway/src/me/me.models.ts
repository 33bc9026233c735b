import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'The city roles of the caller in one tenant (Keycloak organization groups).' })
export class TenantRoles {
  @Field() tenant!: string;
  @Field(() => [String]) roles!: string[];
}

@ObjectType({ description: 'The caller, as the access token describes them.' })
export class Me {
  @Field() subject!: string;
  @Field() username!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => [String], {
    description: 'Roles of this request: platform-admin (realm-wide) and the city roles held in `tenant`.',
  })
  roles!: string[];
  @Field(() => [TenantRoles], { description: 'City roles in each tenant the user belongs to.' })
  cityRoles!: TenantRoles[];
  @Field(() => String, {
    nullable: true,
    description: 'Tenant of this request (membership or x-tenant header).',
  })
  tenant!: string | null;
  @Field(() => [String], { description: 'Tenants (Keycloak organizations) the user belongs to.' })
  memberships!: string[];
  @Field(() => [String], { description: 'Utility domains restricting a utility user to device categories.' })
  utilityDomains!: string[];
  @Field(() => Date) tokenExpiresAt!: Date;
}
