import { compact, indexOf, type ViewInput } from './latest-values';

/** Pole/asset inclination (3429 Tilt sensor) and roll (3451 Roll over sensor). No FIWARE model; angles in rad. */
export interface TiltView {
  readonly type: 'Tilt';
  readonly tiltAngle?: number;
  readonly minTiltAngle?: number;
  readonly maxTiltAngle?: number;
  readonly tiltOutOfPosition?: boolean;
  readonly shockDetected?: boolean;
  readonly rollAngle?: number;
  readonly rollOutOfPosition?: boolean;
  /** True when the tilt or roll sensor reports out of position. */
  readonly outOfPosition?: boolean;
  readonly dateObserved?: string;
}

export function tiltView(latest: ViewInput): TiltView | undefined {
  const index = indexOf(latest);
  const v = index.reader();
  if (!v.has(3429) && !v.has(3451)) return undefined;
  const t = v.pickInstance(3429);
  const r = v.pickInstance(3451);
  const tiltOut = v.bool(3429, t, 6);
  const rollOut = v.bool(3451, r, 6);
  return compact<TiltView>({
    type: 'Tilt',
    tiltAngle: v.num(3429, t, 1),
    minTiltAngle: v.num(3429, t, 2),
    maxTiltAngle: v.num(3429, t, 3),
    tiltOutOfPosition: tiltOut,
    shockDetected: v.bool(3429, t, 12),
    rollAngle: v.num(3451, r, 1),
    rollOutOfPosition: rollOut,
    outOfPosition:
      tiltOut === undefined && rollOut === undefined ? undefined : tiltOut === true || rollOut === true,
    dateObserved: v.observedAt(),
  });
}
