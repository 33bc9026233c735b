import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../common/json.scalar';

export enum WaterAreaMembership {
  /** The member meters were named one by one. */
  LIST = 'LIST',
  /** The member meters are the water meters whose position lies in the area's polygon. */
  POLYGON = 'POLYGON',
}

registerEnumType(WaterAreaMembership, {
  name: 'WaterAreaMembership',
  description: 'How the customer meters of a district metered area were chosen.',
});

@ObjectType({
  description:
    'A district metered area: the bulk meter at its inlet and the customer meters inside it. The decoder computes ' +
    'its daily water balance (waterBalance) and raises area_night_flow_rise / area_loss_rate_rise alarms.',
})
export class WaterArea {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => ID, { description: 'The bulk meter measuring what enters the area.' }) inletDeviceId!: string;
  @Field(() => [ID], { description: 'The customer meters billed inside the area.' })
  memberDeviceIds!: string[];
  @Field(() => WaterAreaMembership) membership!: WaterAreaMembership;
  @Field(() => JsonScalar, {
    nullable: true,
    description: 'The area as a GeoJSON Polygon or MultiPolygon geometry (RFC 7946), when it has one.',
  })
  polygon!: Record<string, unknown> | null;
  @Field(() => Float, {
    nullable: true,
    description: "Night flow alarm above baseline x this ratio; null: the tenant's setting.",
  })
  nightFlowRiseRatio!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "Loss rate alarm above baseline + these percentage points; null: the tenant's setting.",
  })
  lossRateRisePoints!: number | null;
  @Field({ description: 'The definition changed and the decoder has not recomputed the area yet.' })
  recomputePending!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;

  /** Not exposed: checked against the caller's tenant by field resolvers. */
  tenantId!: string;
}

@ObjectType({ description: "One local day (the tenant's time zone) of an area's water balance." })
export class WaterBalanceDay {
  @Field({ description: 'YYYY-MM-DD' }) day!: string;
  @Field(() => Float, {
    nullable: true,
    description: 'Volume through the inlet meter (m3); null: not enough readings.',
  })
  inflowM3!: number | null;
  @Field(() => Float, { nullable: true, description: 'Sum of the member meters (m3).' })
  billedM3!: number | null;
  @Field(() => Float, { nullable: true, description: 'Non-revenue water: inflow - billed (m3).' })
  nrwM3!: number | null;
  @Field(() => Float, { nullable: true, description: 'Non-revenue water as a percentage of the inflow.' })
  nrwPct!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Minimum flow of the inlet over the night window (m3/h).',
  })
  minNightFlowM3h!: number | null;
  @Field(() => Int, { description: 'Member meters with readings that day.' }) metersReporting!: number;
  @Field(() => Int) metersTotal!: number;
  @Field(() => Date) computedAt!: Date;
}

@ObjectType()
export class WaterBalance {
  @Field(() => ID) areaId!: string;
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => [WaterBalanceDay], { description: 'The computed days of [from, to], oldest first.' })
  days!: WaterBalanceDay[];
}

@InputType({
  description:
    'A district metered area. The inlet by id or endpoint; the customer meters by ids or endpoints, or by a polygon ' +
    "(GeoJSON): then the tenant's water meters positioned inside it, the inlet excepted, resolved when saved.",
})
export class CreateWaterAreaInput {
  @Field() name!: string;
  @Field(() => ID, { nullable: true }) inletDeviceId?: string | null;
  @Field(() => String, { nullable: true }) inletEndpoint?: string | null;
  @Field(() => [ID], { nullable: true }) memberDeviceIds?: string[] | null;
  @Field(() => [String], { nullable: true }) memberEndpoints?: string[] | null;
  @Field(() => JsonScalar, { nullable: true }) polygon?: unknown;
  @Field(() => Float, { nullable: true }) nightFlowRiseRatio?: number | null;
  @Field(() => Float, { nullable: true }) lossRateRisePoints?: number | null;
}

@InputType({
  description:
    'Changes to an area; omitted fields keep their value. Members (ids/endpoints) or a polygon replace the ' +
    'membership; a polygon given again re-resolves it from the current positions. Thresholds set to null fall back ' +
    "to the tenant's settings.",
})
export class UpdateWaterAreaInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => ID, { nullable: true }) inletDeviceId?: string | null;
  @Field(() => String, { nullable: true }) inletEndpoint?: string | null;
  @Field(() => [ID], { nullable: true }) memberDeviceIds?: string[] | null;
  @Field(() => [String], { nullable: true }) memberEndpoints?: string[] | null;
  @Field(() => JsonScalar, { nullable: true }) polygon?: unknown;
  @Field(() => Float, { nullable: true }) nightFlowRiseRatio?: number | null;
  @Field(() => Float, { nullable: true }) lossRateRisePoints?: number | null;
}
