import { Field, Float, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Alarm } from '../alarms/alarm.models';

export enum AlarmChangeKind {
  RAISED = 'RAISED',
  CLEARED = 'CLEARED',
}
registerEnumType(AlarmChangeKind, { name: 'AlarmChangeKind' });

@ObjectType({ description: 'A new latest value of one resource.' })
export class LiveValue {
  @Field() path!: string;
  @Field() metric!: string;
  @Field(() => Date) time!: Date;
  @Field(() => Float, { nullable: true }) valueNum!: number | null;
  @Field(() => Boolean, { nullable: true }) valueBool!: boolean | null;
  @Field(() => String, { nullable: true }) valueText!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
}

@ObjectType({ description: 'New values of one device, as the decoder stored them.' })
export class DeviceStateChange {
  @Field(() => ID) deviceId!: string;
  @Field(() => [LiveValue]) values!: LiveValue[];
}

@ObjectType()
export class AlarmChange {
  @Field(() => AlarmChangeKind) kind!: AlarmChangeKind;
  @Field(() => Alarm) alarm!: Alarm;
}
