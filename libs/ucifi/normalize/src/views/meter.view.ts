import { compact, indexOf, type ValueReader, type ViewInput } from './latest-values';

/** FIWARE WaterConsumptionObserved names (dataModel.WaterConsumption) where they exist. */
export interface WaterMeterView {
  readonly type: 'WaterMeter';
  readonly instanceId: number;
  /** m3, cumulative meter reading (3424/1). */
  readonly waterConsumption?: number;
  readonly pulseCount?: number;
  /** m3/s */
  readonly minFlow?: number;
  /** m3/s */
  readonly maxFlow?: number;
  readonly leakSuspected?: boolean;
  readonly leakDetected?: boolean;
  /** 3424/11 Back flow detected (FIWARE `alarmWaterQuality` signals backflows). */
  readonly backflowDetected?: boolean;
  readonly blocked?: boolean;
  /** 3424/13 Fraud detected (FIWARE `alarmTamper`). */
  readonly alarmTamper?: boolean;
  /** True when any reported alarm flag is set (FIWARE `alarmInProgress`). */
  readonly alarmInProgress?: boolean;
  readonly dateObserved?: string;
}

function anySet(flags: readonly (boolean | undefined)[]): boolean | undefined {
  return flags.every((f) => f === undefined) ? undefined : flags.some((f) => f === true);
}

/** One view per 3424 instance: a device may host several meters. */
export function waterMeterViews(latest: ViewInput): WaterMeterView[] {
  const index = indexOf(latest);
  return index.instances(3424).map((i) => {
    const v = index.reader();
    const leakSuspected = v.bool(3424, i, 9);
    const leakDetected = v.bool(3424, i, 10);
    const backflowDetected = v.bool(3424, i, 11);
    const blocked = v.bool(3424, i, 12);
    const alarmTamper = v.bool(3424, i, 13);
    return compact<WaterMeterView>({
      type: 'WaterMeter',
      instanceId: i,
      waterConsumption: v.num(3424, i, 1),
      pulseCount: v.num(3424, i, 4),
      minFlow: v.num(3424, i, 7),
      maxFlow: v.num(3424, i, 8),
      leakSuspected,
      leakDetected,
      backflowDetected,
      blocked,
      alarmTamper,
      alarmInProgress: anySet([leakSuspected, leakDetected, backflowDetected, blocked, alarmTamper]),
      dateObserved: v.observedAt(),
    });
  });
}

export interface GasMeterView {
  readonly type: 'GasMeter';
  readonly instanceId: number;
  /** m3, cumulative meter reading (3423/1). */
  readonly gasConsumption?: number;
  readonly pulseCount?: number;
  readonly minFlow?: number;
  readonly maxFlow?: number;
  readonly leakSuspected?: boolean;
  readonly leakDetected?: boolean;
  readonly highTemperature?: boolean;
  readonly alarmInProgress?: boolean;
  readonly dateObserved?: string;
}

export function gasMeterViews(latest: ViewInput): GasMeterView[] {
  const index = indexOf(latest);
  return index.instances(3423).map((i) => {
    const v = index.reader();
    const leakSuspected = v.bool(3423, i, 9);
    const leakDetected = v.bool(3423, i, 10);
    const highTemperature = v.bool(3423, i, 11);
    return compact<GasMeterView>({
      type: 'GasMeter',
      instanceId: i,
      gasConsumption: v.num(3423, i, 1),
      pulseCount: v.num(3423, i, 4),
      minFlow: v.num(3423, i, 7),
      maxFlow: v.num(3423, i, 8),
      leakSuspected,
      leakDetected,
      highTemperature,
      alarmInProgress: anySet([leakSuspected, leakDetected, highTemperature]),
      dateObserved: v.observedAt(),
    });
  });
}

/** One phase, FIWARE SinglePhaseAcMeasurement names (dataModel.Energy). */
export interface PhaseMeasurement {
  /** V */
  readonly voltage?: number;
  /** A */
  readonly current?: number;
  readonly frequency?: number;
  readonly powerFactor?: number;
  /** W, import (+A) */
  readonly activePower?: number;
  /** var, import (+R) */
  readonly reactivePower?: number;
  /** VA, import */
  readonly apparentPower?: number;
  /** Wh */
  readonly activeEnergyImport?: number;
  readonly activeEnergyExport?: number;
  /** varh */
  readonly reactiveEnergyImport?: number;
  readonly reactiveEnergyExport?: number;
  /** VAh */
  readonly apparentEnergyImport?: number;
  readonly powerFailures?: number;
  readonly voltageCut?: boolean;
}

export interface ElectricityMeterView {
  readonly type: 'ElectricityMeter';
  readonly phaseType: 'singlePhase' | 'threePhase';
  /** Single phase meter values, or the L1 phase of a three-phase meter without 3422 complement. */
  readonly phase?: PhaseMeasurement;
  /** Three-phase: per line, from the 3421 instances named by 3422/36-38. */
  readonly phases?: {
    readonly L1?: PhaseMeasurement;
    readonly L2?: PhaseMeasurement;
    readonly L3?: PhaseMeasurement;
  };
  /** Three-phase totals (3422), FIWARE ThreePhaseAcMeasurement `total*` names. */
  readonly totalActivePower?: number;
  readonly totalReactivePower?: number;
  readonly totalApparentPower?: number;
  readonly totalActiveEnergyImport?: number;
  readonly totalActiveEnergyExport?: number;
  readonly totalReactiveEnergyImport?: number;
  readonly totalReactiveEnergyExport?: number;
  readonly totalApparentEnergyImport?: number;
  readonly totalCurrent?: number;
  readonly powerFactor?: number;
  /** Phase-to-phase voltages (3422/1-3), V. */
  readonly phaseToPhaseVoltage?: { readonly L12?: number; readonly L23?: number; readonly L31?: number };
  readonly dateObserved?: string;
}

function phase(v: ValueReader, i: number | undefined): PhaseMeasurement | undefined {
  if (i === undefined) return undefined;
  return compact<PhaseMeasurement>({
    voltage: v.num(3421, i, 1),
    current: v.num(3421, i, 6),
    frequency: v.num(3421, i, 11),
    powerFactor: v.num(3421, i, 13),
    activePower: v.num(3421, i, 16),
    reactivePower: v.num(3421, i, 18),
    apparentPower: v.num(3421, i, 20),
    activeEnergyImport: v.num(3421, i, 25),
    activeEnergyExport: v.num(3421, i, 26),
    reactiveEnergyImport: v.num(3421, i, 29),
    reactiveEnergyExport: v.num(3421, i, 30),
    apparentEnergyImport: v.num(3421, i, 35),
    powerFailures: v.num(3421, i, 37),
    voltageCut: v.bool(3421, i, 53),
  });
}

/** Electricity meter: 3421 alone (single phase) or 3422 with three 3421 instances (three phase). */
export function electricityMeterView(latest: ViewInput): ElectricityMeterView | undefined {
  const index = indexOf(latest);
  const v = index.reader();
  const complement = v.pickInstance(3422);
  if (complement === undefined) {
    if (!v.has(3421)) return undefined;
    return compact<ElectricityMeterView>({
      type: 'ElectricityMeter',
      phaseType: 'singlePhase',
      phase: phase(v, v.pickInstance(3421)),
      dateObserved: v.observedAt(),
    });
  }
  const c = complement;
  const line = (rid: number): number | undefined => {
    const i = v.num(3422, c, rid);
    return i !== undefined && v.instances(3421).includes(i) ? i : undefined;
  };
  const instances = v.instances(3421);
  const [l1, l2, l3] = [line(36) ?? instances[0], line(37) ?? instances[1], line(38) ?? instances[2]];
  const l12 = v.num(3422, c, 1);
  const l23 = v.num(3422, c, 2);
  const l31 = v.num(3422, c, 3);
  return compact<ElectricityMeterView>({
    type: 'ElectricityMeter',
    phaseType: 'threePhase',
    phases:
      instances.length === 0 ? undefined : compact({ L1: phase(v, l1), L2: phase(v, l2), L3: phase(v, l3) }),
    totalActivePower: v.num(3422, c, 8),
    totalReactivePower: v.num(3422, c, 10),
    totalApparentPower: v.num(3422, c, 12),
    totalActiveEnergyImport: v.num(3422, c, 17),
    totalActiveEnergyExport: v.num(3422, c, 18),
    totalReactiveEnergyImport: v.num(3422, c, 21),
    totalReactiveEnergyExport: v.num(3422, c, 22),
    totalApparentEnergyImport: v.num(3422, c, 27),
    totalCurrent: v.num(3422, c, 4),
    powerFactor: v.num(3422, c, 5),
    phaseToPhaseVoltage:
      l12 === undefined && l23 === undefined && l31 === undefined
        ? undefined
        : compact({ L12: l12, L23: l23, L31: l31 }),
    dateObserved: v.observedAt(),
  });
}
