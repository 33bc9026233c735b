/**
 * What the water computations read from the hourly rollups (telemetry_hourly): per meter, the last cumulative
 * volume reading of each hour (3424/1, m3) and the minimum of the reported minimum flow (3424/7, m3/s).
 */
export interface VolumeReading {
  /** ms since the epoch. */
  readonly time: number;
  /** m3, cumulative. */
  readonly volume: number;
}

export interface MinFlowSample {
  /** Start of the rollup hour, ms. */
  readonly bucket: number;
  /** m3/s, the hour's minimum of 3424/7. */
  readonly minFlow: number;
}

export interface MeterSeries {
  readonly deviceId: string;
  /** Sorted by time. */
  readonly volumes: readonly VolumeReading[];
  /** Sorted by bucket. */
  readonly minFlows: readonly MinFlowSample[];
}

/** Per-interval flows (m3/h) between consecutive readings no further apart than maxGapMs. */
export function intervalFlows(
  volumes: readonly VolumeReading[],
  maxGapMs: number,
): { from: number; to: number; flowM3h: number }[] {
  const out: { from: number; to: number; flowM3h: number }[] = [];
  for (let i = 1; i < volumes.length; i++) {
    const a = volumes[i - 1]!;
    const b = volumes[i]!;
    const dt = b.time - a.time;
    // A negative delta is a meter exchange or a register roll-over, not a flow.
    if (dt <= 0 || dt > maxGapMs || b.volume < a.volume) continue;
    out.push({ from: a.time, to: b.time, flowM3h: ((b.volume - a.volume) * 3_600_000) / dt });
  }
  return out;
}

/**
 * The cumulative volume at an instant: interpolated between the readings around it when they are at most
 * maxGapMs apart, else the reading at the instant itself; undefined when neither exists.
 */
export function volumeAt(
  volumes: readonly VolumeReading[],
  at: number,
  maxGapMs: number,
): number | undefined {
  let before: VolumeReading | undefined;
  let after: VolumeReading | undefined;
  for (const r of volumes) {
    if (r.time <= at) before = r;
    else {
      after = r;
      break;
    }
  }
  if (before && before.time === at) return before.volume;
  if (!before || !after || after.time - before.time > maxGapMs || after.volume < before.volume)
    return undefined;
  return before.volume + ((after.volume - before.volume) * (at - before.time)) / (after.time - before.time);
}
