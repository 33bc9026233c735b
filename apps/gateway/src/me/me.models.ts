import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'The caller, as the access token describes them.' })
export class Me {
  @Field() subject!: string;
  @Field() username!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => [String], { description: 'Realm roles of the platform.' }) roles!: string[];
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
