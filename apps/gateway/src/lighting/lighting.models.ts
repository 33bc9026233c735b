import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CommandRefusal } from '../commands/command.models';
import { JsonScalar } from '../common/json.scalar';
import { LampProgramState } from './lighting-status';

registerEnumType(LampProgramState, {
  name: 'LampProgramState',
  description:
    "Whether a lamp controller holds its lighting program: from the commands' outcomes and read-backs.",
});

@ObjectType({
  description:
    'A lighting program: schedules (uCIFI 3452) with calendar rules (3453), a function of time with sunset/sunrise ' +
    'offsets and fixed times (3454), transitions and operations (3456), by priority; see libs/ucifi/lighting.',
})
export class LightingProgram {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => JsonScalar, {
    description:
      'The program: {"schedules": [{"name", "priority" (lower = first), "steps": [{"at": "S+30" | "00:00" | ' +
      '"R-15", "level": 0-100}], "calendars"?: [{"type"?: "day" | "night", "dateRanges"?: [{"start", "end"?}], ' +
      '"weekdays"?, "months"?, "daysOfMonth"?}], "transition"?: {"fadeSeconds", "curve"?}, "operation"?, ' +
      '"compound"?, "offWhenInactive"?, "enabled"?}]}',
  })
  definition!: Record<string, unknown>;
  @Field(() => Int, { description: 'Incremented by every change of the definition.' }) version!: number;
  @Field(() => Int, { description: 'Lamp controllers assigned to it.' }) lampCount!: number;
  @Field() createdBy!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@InputType()
export class CreateLightingProgramInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => JsonScalar) definition!: unknown;
}

@InputType()
export class UpdateLightingProgramInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => JsonScalar, { nullable: true }) definition?: unknown;
}

@ObjectType()
export class LightingLocation {
  @Field(() => Float) latitude!: number;
  @Field(() => Float) longitude!: number;
  @Field({ description: 'IANA time zone of the city, e.g. Europe/Paris.' }) timeZone!: string;
}

@ObjectType({ description: 'A change of the output level of a program.' })
export class LightingLevelChange {
  @Field(() => Date) at!: Date;
  @Field(() => Float, { nullable: true, description: 'Level in %; null: no schedule runs.' }) level!:
    number | null;
  @Field(() => Float, { nullable: true }) previous!: number | null;
  @Field(() => String, { nullable: true, description: 'The schedule that decides the level.' })
  schedule!: string | null;
  @Field(() => Float, { description: 'Fade duration of the transition, seconds.' }) fadeSeconds!: number;
}

@ObjectType({
  description: "The levels a program gives its lamps over a window, at the city's coordinates and time zone.",
})
export class LightingSchedulePreview {
  @Field(() => ID) programId!: string;
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => LightingLocation) location!: LightingLocation;
  @Field(() => Float, { nullable: true, description: 'Level at `from`.' }) initialLevel!: number | null;
  @Field(() => String, { nullable: true }) initialSchedule!: string | null;
  @Field(() => [LightingLevelChange]) changes!: LightingLevelChange[];
}

@ObjectType()
export class LampEnergyEstimate {
  @Field(() => ID) deviceId!: string;
  @Field({
    description: "MEASURED: from the lamp's 3418 active power at its dimming level; RATED: the given rating.",
  })
  basis!: string;
  @Field(() => Float) ratedPowerW!: number;
  @Field(() => Float) kWh!: number;
}

@ObjectType({ description: 'Energy the schedule will use, from measured 3418 power or a rated power.' })
export class LightingEnergyEstimate {
  @Field(() => ID) programId!: string;
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => Float, { description: 'Sum over the assigned lamps that have a power basis.' })
  totalKWh!: number;
  @Field(() => Float, { nullable: true, description: 'One lamp of the given ratedPowerW over the window.' })
  ratedLampKWh!: number | null;
  @Field(() => Float, { description: 'Hours where no schedule runs (not counted).' })
  uncontrolledHours!: number;
  @Field(() => [LampEnergyEstimate]) lamps!: LampEnergyEstimate[];
  @Field(() => [ID], { description: 'Assigned lamps without a measurement and without ratedPowerW.' })
  lampsWithoutPower!: string[];
}

@ObjectType({ description: 'Program Monitor (3458) instance as last read from the controller.' })
export class LightingMonitor {
  @Field(() => Int) instanceId!: number;
  @Field(() => String, { nullable: true }) programName!: string | null;
  @Field(() => Int, { nullable: true, description: '0 disabled, 1 inactive, 2 running (3458/1).' })
  status!: number | null;
  @Field(() => Int, { nullable: true, description: '3458/2 bitmap.' }) errorConditions!: number | null;
  @Field(() => Int, { nullable: true }) executionCounter!: number | null;
}

@ObjectType({ description: "A lamp controller's lighting program: whether it is in place and running." })
export class LightingLampStatus {
  @Field(() => ID) deviceId!: string;
  @Field(() => ID) programId!: string;
  @Field(() => LampProgramState) state!: LampProgramState;
  @Field() detail!: string;
  @Field(() => Int) programVersion!: number;
  @Field(() => Int, { nullable: true }) appliedVersion!: number | null;
  @Field(() => Date, { nullable: true }) appliedAt!: Date | null;
  @Field(() => Date, { nullable: true }) verifiedAt!: Date | null;
  @Field(() => [ID], { description: 'The commands of the last apply, in order (see command(id)).' })
  commandIds!: string[];
  @Field(() => [LightingMonitor]) monitor!: LightingMonitor[];
}

@ObjectType()
export class LightingAssignmentResult {
  @Field(() => ID) programId!: string;
  @Field(() => [ID]) assigned!: string[];
  @Field(() => [CommandRefusal]) refused!: CommandRefusal[];
}
