import { type Measurement } from '@smartcity/ucifi-normalize';

/**
 * How far a device's own time may stray from the server's receive time. A value stamped years ahead froze
 * `device_state` for its path (the upsert only moves forward) and created chunks no retention drops; `t=1e13`
 * overflowed `to_timestamp` and sent the tenant's whole batch into single-message retries (issue 16, finding 3).
 */
export interface DeviceTimeBounds {
  /** Seconds a device time may lie after the receive time (clock skew). */
  readonly maxFutureSec: number;
  /** Seconds a device time may lie before the receive time (logged data uploaded late). */
  readonly maxPastSec: number;
}

export interface TimeCheck {
  readonly measurements: Measurement[];
  /** Per measurement: the device's time (seconds) when it was replaced, else undefined. */
  readonly replaced: (number | undefined)[];
  readonly future: number;
  readonly past: number;
}

/**
 * Keeps device times within bounds of `receivedAt` (ms). A time outside them (NaN included) is replaced by
 * `valueTimeAt` (the receive time that untimed values get: stable across replays and 5.03 retries), plus one
 * microsecond per earlier replaced value of the same path in the message so a series keeps one row per value.
 * Bounds are relative to the message's receive time, never to the clock: a replay yields the same rows.
 */
export function checkDeviceTimes(
  measurements: readonly Measurement[],
  receivedAt: number,
  valueTimeAt: number,
  bounds: DeviceTimeBounds,
): TimeCheck {
  const latest = receivedAt + bounds.maxFutureSec * 1000;
  const earliest = receivedAt - bounds.maxPastSec * 1000;
  let out: Measurement[] | undefined;
  let replaced: (number | undefined)[] | undefined;
  let future = 0;
  let past = 0;
  let repeats: Map<string, number> | undefined;
  for (let i = 0; i < measurements.length; i++) {
    const m = measurements[i]!;
    if (m.time >= earliest && m.time <= latest) continue;
    if (m.time > latest) future++;
    else past++; // below the floor, or NaN
    out ??= [...measurements];
    replaced ??= new Array<number | undefined>(measurements.length);
    repeats ??= new Map();
    const k = repeats.get(m.path) ?? 0;
    repeats.set(m.path, k + 1);
    out[i] = { ...m, time: valueTimeAt + k / 1000 };
    replaced[i] = m.time / 1000;
  }
  return {
    measurements: out ?? (measurements as Measurement[]),
    replaced: replaced ?? [],
    future,
    past,
  };
}
