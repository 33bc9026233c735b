import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class LightingKpis {
  @Field(() => Int, { description: 'Devices with an outdoor lamp controller (3416).' }) lampsTotal!: number;
  @Field(() => Int, { description: 'Lamps with a dimming level above 0.' }) lampsOn!: number;
  @Field(() => Int, { description: 'Lamps reporting a lamp, control gear or relay failure.' })
  lampsFailed!: number;
  @Field(() => Float, { description: 'Energy used by lighting devices since `since`, kWh.' })
  energyTodayKwh!: number;
}

@ObjectType()
export class EnergyKpis {
  @Field(() => Float, { description: 'Active energy of all monitored devices since `since`, kWh.' })
  energyTodayKwh!: number;
}

@ObjectType()
export class WaterKpis {
  @Field(() => Int) metersTotal!: number;
  @Field(() => Int, { description: 'Water meters reporting a detected leak.' }) activeLeaks!: number;
  @Field(() => Float, { description: 'Volume through all meters since `since`, m3.' }) volumeTodayM3!: number;
}

@ObjectType()
export class ParkingKpis {
  @Field(() => Int) spotsTotal!: number;
  @Field(() => Int) spotsOccupied!: number;
  @Field(() => Float, { nullable: true, description: 'Occupied spots in %, null without spots.' })
  occupancyPercent!: number | null;
}

@ObjectType()
export class WasteKpis {
  @Field(() => Int) binsTotal!: number;
  @Field(() => Int, { description: 'Containers reporting full, or filled at or above the threshold.' })
  binsFull!: number;
}

@ObjectType()
export class AirQualityKpis {
  @Field(() => Int, { nullable: true, description: 'Highest US EPA AQI over the sensors (PM2.5/PM10).' })
  worstAqi!: number | null;
  @Field(() => ID, { nullable: true }) worstDeviceId!: string | null;
  @Field(() => Int) sensorsTotal!: number;
}

@ObjectType({ description: 'City KPIs per domain; a domain the caller may not see is null.' })
export class Kpis {
  @Field(() => Date, { description: 'Start of the "today" window.' }) since!: Date;
  @Field(() => Date) generatedAt!: Date;
  @Field(() => LightingKpis, { nullable: true }) lighting!: LightingKpis | null;
  @Field(() => EnergyKpis, { nullable: true }) energy!: EnergyKpis | null;
  @Field(() => WaterKpis, { nullable: true }) water!: WaterKpis | null;
  @Field(() => ParkingKpis, { nullable: true }) parking!: ParkingKpis | null;
  @Field(() => WasteKpis, { nullable: true }) waste!: WasteKpis | null;
  @Field(() => AirQualityKpis, { nullable: true }) airQuality!: AirQualityKpis | null;
}
