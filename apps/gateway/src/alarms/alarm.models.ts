import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../common/json.scalar';
import { PageInfo } from '../devices/device.models';
import { AlarmSeverity, AlarmStatus } from './alarm.enums';

export { AlarmSeverity, AlarmStatus };

registerEnumType(AlarmSeverity, { name: 'AlarmSeverity' });
registerEnumType(AlarmStatus, { name: 'AlarmStatus' });

@ObjectType({ description: 'One alarm occurrence: raised, maybe acknowledged, maybe cleared.' })
export class Alarm {
  @Field(() => ID) id!: string;
  @Field(() => ID) deviceId!: string;
  @Field() type!: string;
  @Field(() => AlarmSeverity) severity!: AlarmSeverity;
  @Field(() => AlarmStatus) status!: AlarmStatus;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => String, { nullable: true, description: 'LwM2M path of the resource that raised it.' })
  sourcePath!: string | null;
  @Field(() => JsonScalar) details!: Record<string, unknown>;
  @Field(() => Date) raisedAt!: Date;
  @Field(() => Date, { nullable: true }) clearedAt!: Date | null;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => String, { nullable: true }) acknowledgedBy!: string | null;
  @Field(() => Date) updatedAt!: Date;

  /** Not exposed: checked against the caller's tenant by field resolvers. */
  tenantId!: string;
}

@ObjectType()
export class AlarmEdge {
  @Field() cursor!: string;
  @Field(() => Alarm) node!: Alarm;
}

@ObjectType()
export class AlarmConnection {
  @Field(() => [AlarmEdge]) edges!: AlarmEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class AlarmFilter {
  @Field(() => AlarmStatus, { nullable: true }) status?: AlarmStatus | null;
  @Field(() => [AlarmSeverity], { nullable: true }) severities?: AlarmSeverity[] | null;
  @Field(() => ID, { nullable: true }) deviceId?: string | null;
  @Field(() => String, { nullable: true }) type?: string | null;
  @Field(() => String, { nullable: true, description: 'Device category.' }) category?: string | null;
  @Field(() => Date, { nullable: true, description: 'Raised at or after.' }) since?: Date | null;
  @Field(() => Boolean, { nullable: true }) acknowledged?: boolean | null;
}
