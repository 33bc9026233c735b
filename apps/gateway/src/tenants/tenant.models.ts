import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A city: one tenant of the platform.' })
export class Tenant {
  @Field(() => ID, { description: 'Slug [a-z0-9-]{2,32}; also the Keycloak organization alias.' })
  id!: string;
  @Field() name!: string;
  @Field({
    description: 'Unknown endpoints with the prefix are provisioned into this tenant on registration.',
  })
  autoProvision!: boolean;
  @Field(() => String, { nullable: true }) autoProvisionPrefix!: string | null;
  @Field(() => String, { nullable: true }) autoProvisionProfile!: string | null;
  @Field(() => Int) retentionDays!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [String], { description: 'Partner Kafka topics of the tenant.' }) topics!: string[];
  @Field(() => String, { nullable: true, description: 'Keycloak organization id (tenant mutations only).' })
  organizationId!: string | null;
  /** Exposed by a field resolver, to the tenant's admins and platform admins. */
  allowNosec!: boolean;
}

@InputType()
export class CreateTenantInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) autoProvision?: boolean | null;
  @Field(() => String, { nullable: true }) autoProvisionPrefix?: string | null;
  @Field(() => Int, { nullable: true, defaultValue: 400 }) retentionDays?: number | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Devices without a credential may register over plain CoAP (NoSec). New tenants refuse it.',
  })
  allowNosec?: boolean | null;
}

@InputType()
export class UpdateTenantInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Boolean, { nullable: true }) autoProvision?: boolean | null;
  @Field(() => String, { nullable: true }) autoProvisionPrefix?: string | null;
  @Field(() => Int, { nullable: true }) retentionDays?: number | null;
}

@ObjectType({ description: 'What deleting a tenant removed (issue 17: off-boarding).' })
export class TenantDeletion {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Database rows deleted, every table (telemetry included).' })
  rows!: number;
  @Field(() => [String], { description: 'Partner topics deleted.' }) topics!: string[];
  @Field(() => Int, { description: 'Kafka ACLs deleted on the city topics.' }) acls!: number;
  @Field() organizationDeleted!: boolean;
  @Field(() => Int, { description: 'Redis keys removed (ingest registrations and caches, counters).' })
  redisKeys!: number;
}
