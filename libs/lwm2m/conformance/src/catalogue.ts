import { lwm2mCases } from './cases';
import { fail } from './evaluation';
import {
  type CaseDescription,
  type CaseVerdict,
  type ConformanceCase,
  describeCase,
  type DeviceUnderTest,
  type Step,
  type StepOutcome,
} from './model';
import { objectProfileCases } from './object-profile';

/** Every case for a device: the LwM2M cases, then one profile (501-503) per declared object. */
export function catalogueFor(d: DeviceUnderTest): ConformanceCase[] {
  return [...lwm2mCases(), ...objectProfileCases(d)];
}

/** The LwM2M cases as data (object profiles are listed per device since they depend on its objects). */
export function describeCatalogue(): CaseDescription[] {
  return lwm2mCases().map(describeCase);
}

export type PlannedCase =
  | { readonly kind: 'run'; readonly case: ConformanceCase; readonly steps: readonly Step[] }
  | { readonly kind: 'not-applicable'; readonly case: ConformanceCase; readonly reason: string }
  | { readonly kind: 'skipped'; readonly case: ConformanceCase; readonly reason: string };

/**
 * What a run executes: every applicable case, the ones that change the device's configuration or state only in
 * the full suite (a run must not disturb production use of a device unless asked to).
 */
export function planRun(d: DeviceUnderTest, options: { readonly fullSuite: boolean }): PlannedCase[] {
  return catalogueFor(d).map((c): PlannedCase => {
    const reason = c.notApplicable(d);
    if (reason !== null) return { kind: 'not-applicable', case: c, reason };
    if (!c.safe && !options.fullSuite) {
      return { kind: 'skipped', case: c, reason: 'changes the device: run only in the full suite' };
    }
    return { kind: 'run', case: c, steps: c.steps(d) };
  });
}

/** Evaluates a case on its outcomes; an evaluation that throws is a failure with its message. */
export function evaluateCase(
  c: ConformanceCase,
  outcomes: readonly StepOutcome[],
  d: DeviceUnderTest,
): CaseVerdict {
  try {
    return c.evaluate(outcomes, d);
  } catch (err) {
    return fail(`evaluation error: ${(err as Error).message}`);
  }
}
