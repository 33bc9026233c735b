import { compact, indexOf, type ViewInput } from './latest-values';

/** FIWARE ParkingSpot (dataModel.Parking): `status` free / occupied / unknown. */
export interface ParkingSpotView {
  readonly type: 'ParkingSpot';
  readonly instanceId: number;
  readonly status: 'free' | 'occupied' | 'unknown';
  /** 3431/6 Occupancy Start Time (FIWARE `dateLastStatusChange` for an occupied spot). */
  readonly dateLastStatusChange?: string;
  /** s, duration of the current occupancy. */
  readonly occupancyDuration?: number;
  readonly forbiddenParkingDetected?: boolean;
  readonly parkingArea?: string;
  readonly parkingLot?: string;
  readonly dateObserved?: string;
}

export function parkingSpotViews(latest: ViewInput): ParkingSpotView[] {
  const index = indexOf(latest);
  return index.instances(3431).map((i) => {
    const v = index.reader();
    const occupied = v.bool(3431, i, 1);
    return compact<ParkingSpotView>({
      type: 'ParkingSpot',
      instanceId: i,
      status: occupied === undefined ? 'unknown' : occupied ? 'occupied' : 'free',
      dateLastStatusChange: v.date(3431, i, 6),
      occupancyDuration: v.num(3431, i, 2),
      forbiddenParkingDetected: v.bool(3431, i, 4),
      parkingArea: v.str(3431, i, 7),
      parkingLot: v.str(3431, i, 8),
      dateObserved: v.observedAt(),
    });
  });
}

/** Per vehicle class of a 3432 counter (multiple resources: one resource instance per vehicle type). */
export interface VehicleClassCount {
  readonly resourceInstanceId: number;
  /** 3432/0 Vehicle type code. */
  readonly vehicleType?: number;
  /** FIWARE TrafficFlowObserved `intensity`: vehicles during measuring period 1 (3432/7). */
  readonly intensity?: number;
  /** 3432/10 average speed during period 1. */
  readonly averageVehicleSpeed?: number;
  readonly countToday?: number;
  readonly countTotal?: number;
}

export interface TrafficCounterView {
  readonly type: 'TrafficFlowObserved';
  readonly instanceId: number;
  /** Sum of the classes' intensity. */
  readonly intensity?: number;
  readonly countToday?: number;
  /** s, measuring period 1 of the first class. */
  readonly measuringPeriod?: number;
  readonly byVehicleType: readonly VehicleClassCount[];
  readonly dateObserved?: string;
}

function sum(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((x): x is number => x !== undefined);
  return defined.length === 0 ? undefined : defined.reduce((a, b) => a + b, 0);
}

export function trafficCounterViews(latest: ViewInput): TrafficCounterView[] {
  const index = indexOf(latest);
  return index.instances(3432).map((i) => {
    const v = index.reader();
    const ids = new Set([0, 1, 3, 7, 10].flatMap((rid) => v.resourceInstances(3432, i, rid)));
    const byVehicleType = [...ids]
      .sort((a, b) => a - b)
      .map((ri) =>
        compact<VehicleClassCount>({
          resourceInstanceId: ri,
          vehicleType: v.num(3432, i, 0, ri),
          intensity: v.num(3432, i, 7, ri),
          averageVehicleSpeed: v.num(3432, i, 10, ri),
          countToday: v.num(3432, i, 3, ri),
          countTotal: v.num(3432, i, 1, ri),
        }),
      );
    const firstPeriod = v.resourceInstances(3432, i, 4)[0];
    return compact<TrafficCounterView>({
      type: 'TrafficFlowObserved',
      instanceId: i,
      intensity: sum(byVehicleType.map((c) => c.intensity)),
      countToday: sum(byVehicleType.map((c) => c.countToday)),
      measuringPeriod: firstPeriod === undefined ? undefined : v.num(3432, i, 4, firstPeriod),
      byVehicleType,
      dateObserved: v.observedAt(),
    });
  });
}

/** FIWARE CrowdFlowObserved (dataModel.Transportation) `peopleCount`. */
export interface PeopleCounterView {
  readonly type: 'CrowdFlowObserved';
  readonly instanceId: number;
  /** 3434/1 Actual number of persons. */
  readonly peopleCount?: number;
  readonly peopleCountToday?: number;
  readonly peopleCountTotal?: number;
  readonly passagesToday?: number;
  readonly passagesTotal?: number;
  readonly dateObserved?: string;
}

export function peopleCounterViews(latest: ViewInput): PeopleCounterView[] {
  const index = indexOf(latest);
  return index.instances(3434).map((i) => {
    const v = index.reader();
    return compact<PeopleCounterView>({
      type: 'CrowdFlowObserved',
      instanceId: i,
      peopleCount: v.num(3434, i, 1),
      peopleCountToday: v.num(3434, i, 2),
      peopleCountTotal: v.num(3434, i, 3),
      passagesToday: v.num(3434, i, 5),
      passagesTotal: v.num(3434, i, 6),
      dateObserved: v.observedAt(),
    });
  });
}
