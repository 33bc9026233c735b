import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Aggregate } from './telemetry.query';

registerEnumType(Aggregate, {
  name: 'Aggregate',
  description: 'Aggregate of the values in each time bucket.',
});

@ObjectType()
export class TelemetryPoint {
  @Field(() => Date, { description: 'Start of the bucket.' }) time!: Date;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Int, { description: 'Values in the bucket.' }) count!: number;
}

@ObjectType({ description: 'A time-bucketed series of one metric (or path) of one device.' })
export class TelemetrySeries {
  @Field(() => ID) deviceId!: string;
  @Field(() => String, { nullable: true }) metric!: string | null;
  @Field(() => String, { nullable: true }) path!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field() bucket!: string;
  @Field(() => Aggregate) aggregate!: Aggregate;
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => [TelemetryPoint], { description: 'Buckets with at least one value, oldest first.' })
  points!: TelemetryPoint[];
}
