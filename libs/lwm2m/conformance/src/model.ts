import { type ModelProvider } from '@smartcity/lwm2m-core';

/**
 * The device under test, as the server knows it from its registration (LwM2M Core 1.1.1 §6.2.1): its enabler
 * version, the content formats of the root link's `ct` (1.1+), its objects with their announced version and
 * instances, and the object models of exactly those versions.
 */
export interface DeviceUnderTest {
  readonly endpoint: string;
  readonly lwm2mVersion: string;
  readonly binding: string;
  readonly lifetime: number;
  readonly queueMode: boolean;
  readonly contentFormats: readonly number[];
  readonly objects: readonly DeclaredObject[];
  readonly models: ModelProvider;
}

export interface DeclaredObject {
  readonly id: number;
  readonly version: string;
  readonly instances: readonly number[];
}

/** A value a step sends: literal, or the value an earlier step read at `path` (written back unchanged). */
export type StepValue = { readonly literal: unknown } | { readonly fromStep: number; readonly path: string };

/**
 * One request of a case. The LwM2M operations are the Device Management and Information Reporting interfaces
 * (Core 1.1.1 §6.3, §6.4); `registration` reads the server's registration record of the device,
 * `await-registration` waits until the device sends an Update (or a new Register) after an earlier step and
 * `await-notifications` collects the arrival times of the notifications of a path (payload: a JSON array of ms).
 */
export type StepRequest =
  | { readonly op: 'registration' }
  | {
      readonly op: 'await-registration';
      readonly kind: 'update' | 'register';
      readonly afterStep: number;
      readonly timeoutMs: number;
    }
  | {
      /** The notifications of `path` the platform stored since step `afterStep` started, after `durationMs`. */
      readonly op: 'await-notifications';
      readonly path: string;
      readonly afterStep: number;
      readonly durationMs: number;
    }
  | { readonly op: 'read'; readonly path: string; readonly accept?: number }
  | { readonly op: 'discover'; readonly path: string }
  | { readonly op: 'write'; readonly path: string; readonly partial: boolean; readonly value: StepValue }
  | {
      readonly op: 'write-attributes';
      readonly path: string;
      readonly attributes: Readonly<Record<string, number | null>>;
    }
  | { readonly op: 'execute'; readonly path: string; readonly arguments?: string }
  | {
      readonly op: 'create';
      readonly objectId: number;
      readonly instanceId: number;
      readonly values: Readonly<Record<string, unknown>>;
    }
  | { readonly op: 'delete'; readonly path: string }
  | { readonly op: 'observe'; readonly path: string; readonly accept?: number }
  | { readonly op: 'cancel-observation'; readonly path: string }
  | { readonly op: 'read-composite'; readonly paths: readonly string[]; readonly accept?: number }
  | {
      readonly op: 'write-composite';
      readonly values: readonly { readonly path: string; readonly value: StepValue }[];
    }
  | { readonly op: 'observe-composite'; readonly paths: readonly string[]; readonly accept?: number }
  | { readonly op: 'cancel-observe-composite'; readonly paths: readonly string[] };

export interface Step {
  /** What the step is for, e.g. "Read /3/0 with Accept: SenML CBOR". */
  readonly title: string;
  readonly request: StepRequest;
  /** Sent only when an earlier step got this code (e.g. Disable only once its timeout could be set). */
  readonly onlyIf?: { readonly step: number; readonly code: string };
}

/** What happened to one step: the request as sent, the device's answer and the timing. */
export interface StepOutcome {
  readonly title: string;
  readonly request: Readonly<Record<string, unknown>>;
  /** Outcome of the exchange: completed (the device answered with `coapCode`), timeout, rejected (RST), ... */
  readonly status: string;
  readonly coapCode: string | null;
  readonly contentFormat: number | null;
  readonly payload: Uint8Array | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly durationMs: number;
}

export type Verdict = 'PASS' | 'FAIL' | 'NOT_APPLICABLE';

export interface CaseVerdict {
  readonly verdict: Verdict;
  readonly message: string;
}

export type CaseGroup = 'registration' | 'device-management' | 'information-reporting' | 'object-profile';

/** A test case as data: what it checks, against which clause, how, and when it is applicable. */
export interface ConformanceCase {
  /** ETS-style id: 1xx registration, 2xx device management, 3xx information reporting, 5xx/<object> profiles. */
  readonly id: string;
  readonly title: string;
  readonly group: CaseGroup;
  /** The specification clause the pass criteria come from. */
  readonly clause: string;
  /** Non-disturbing: leaves the device's configuration and behaviour as they were. */
  readonly safe: boolean;
  readonly passCriteria: string;
  /** Why the case does not apply to this device, or null when it does. */
  readonly notApplicable: (d: DeviceUnderTest) => string | null;
  readonly steps: (d: DeviceUnderTest) => readonly Step[];
  readonly evaluate: (outcomes: readonly StepOutcome[], d: DeviceUnderTest) => CaseVerdict;
}

/** A case's public description (what a catalogue listing or a report shows). */
export interface CaseDescription {
  readonly id: string;
  readonly title: string;
  readonly group: CaseGroup;
  readonly clause: string;
  readonly safe: boolean;
  readonly passCriteria: string;
}

export function describeCase(c: ConformanceCase): CaseDescription {
  return {
    id: c.id,
    title: c.title,
    group: c.group,
    clause: c.clause,
    safe: c.safe,
    passCriteria: c.passCriteria,
  };
}
