import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A plan: the default limits of the tenants on it.' })
export class Plan {
  @Field() id!: string;
  @Field() name!: string;
  @Field(() => Int) maxDevices!: number;
  @Field(() => Int) maxMessagesPerSecond!: number;
  @Field(() => Int) messageBurst!: number;
  @Field(() => Float) maxStoredValues!: number;
  @Field(() => Int) maxApiCallsPerDay!: number;
}

@ObjectType({
  description: "A tenant's effective limits: its plan's, except where a platform admin overrode one.",
})
export class TenantQuota {
  @Field() plan!: string;
  @Field(() => Int, { description: 'Active (not decommissioned) devices.' }) maxDevices!: number;
  @Field(() => Int, {
    description: 'Sustained uplinks per second of the whole tenant (the ingest enforces it).',
  })
  maxMessagesPerSecond!: number;
  @Field(() => Int, { description: 'Uplinks above the sustained rate absorbed as a burst.' })
  messageBurst!: number;
  @Field(() => Float, { description: 'Telemetry values kept within the retention window.' })
  maxStoredValues!: number;
  @Field(() => Int, { description: 'GraphQL operations per UTC day.' }) maxApiCallsPerDay!: number;
  @Field(() => [String], { description: 'Limits set for this tenant instead of the plan.' })
  overridden!: string[];
  @Field(() => Float, { description: 'Values currently kept (metered).' }) storedValues!: number;
}

@ObjectType({ description: "One UTC day of a tenant's metered usage (the basis of its bill)." })
export class TenantUsageDay {
  @Field({ description: 'YYYY-MM-DD (UTC).' }) day!: string;
  @Field(() => Int, { description: 'Active devices.' }) devices!: number;
  @Field(() => Float, { description: 'Uplinks the ingest accepted.' }) messages!: number;
  @Field(() => Float, { description: 'Telemetry values with a time in the day.' }) valuesStored!: number;
  @Field(() => Float, { description: 'GraphQL operations executed.' }) apiCalls!: number;
}

@InputType({ description: 'Null keeps a value; a limit named in `reset` goes back to the plan.' })
export class SetTenantQuotaInput {
  @Field(() => String, { nullable: true }) plan?: string | null;
  @Field(() => Int, { nullable: true }) maxDevices?: number | null;
  @Field(() => Int, { nullable: true }) maxMessagesPerSecond?: number | null;
  @Field(() => Int, { nullable: true }) messageBurst?: number | null;
  @Field(() => Float, { nullable: true }) maxStoredValues?: number | null;
  @Field(() => Int, { nullable: true }) maxApiCallsPerDay?: number | null;
  @Field(() => [String], { nullable: true }) reset?: string[] | null;
}
