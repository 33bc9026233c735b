import { type CompiledInstance } from '@smartcity/ucifi-lighting';
import { ProgramMonitorResource } from '@smartcity/ucifi-model';
import { type CommandRow } from '../commands/commands.repository';

/** Where a lamp's program stands, from the outcomes of the commands that applied and verified it. */
export enum LampProgramState {
  /** Commands not sent yet, sent and not answered, or the controller's capabilities are being read. */
  PENDING = 'PENDING',
  /** Every command succeeded (and, when verified, the controller holds what was written). */
  APPLIED = 'APPLIED',
  /** The program does not fit the controller, a command failed, or the controller reports errors (3457/3458). */
  FAILED = 'FAILED',
  /** The controller holds something else than the current program: changed since, or read back different. */
  DRIFT = 'DRIFT',
}

export interface ReadValue {
  readonly path: string;
  readonly value: unknown;
}

/** A 3458 Program Monitor instance as read back. */
export interface MonitorEntry {
  readonly instanceId: number;
  readonly programName: string | null;
  /** 3458/1: 0 Disabled, 1 Inactive, 2 Running. */
  readonly status: number | null;
  /** 3458/2 bitmap: bit 0 sensor syntax, bit 1 time syntax, bit 2 invalid program function. */
  readonly errorConditions: number | null;
  readonly executionCounter: number | null;
}

export interface LampStatusInput {
  readonly programVersion: number;
  readonly appliedVersion: number | null;
  readonly applyError: string | null;
  /** The apply commands in the order they were sent. */
  readonly applyCommands: readonly CommandRow[];
  readonly capabilitiesCommand: CommandRow | null;
  /** The verification reads, with their decoded values (null where not decodable or not finished). */
  readonly verifyCommands: readonly {
    readonly row: CommandRow;
    readonly values: readonly ReadValue[] | null;
  }[];
  /** What the current program compiles to for this lamp (null when it cannot be compiled). */
  readonly expected: readonly CompiledInstance[] | null;
}

export interface LampStatus {
  readonly state: LampProgramState;
  readonly detail: string;
  readonly monitor: readonly MonitorEntry[];
}

const DONE_BAD = new Set(['FAILED', 'TIMEOUT', 'EXPIRED']);
const OPEN = new Set(['PENDING', 'SENT']);

function describe(c: CommandRow): string {
  const op = c.request.operation as { op?: string; path?: string };
  const outcome = c.coapCode ? `${c.status} ${c.coapCode}` : c.status;
  return `${op.op ?? c.type} ${op.path ?? ''}: ${outcome}${c.error ? ` (${c.error})` : ''}`.replace(
    ' :',
    ':',
  );
}

/** Derives a lamp's state; pure, so the rules are unit-tested. */
export function lampStatus(input: LampStatusInput): LampStatus {
  const monitor = monitorEntries(input.verifyCommands.flatMap((v) => v.values ?? []));
  const result = (state: LampProgramState, detail: string): LampStatus => ({ state, detail, monitor });
  if (input.applyError) return result(LampProgramState.FAILED, input.applyError);
  if (input.applyCommands.length === 0) {
    const cap = input.capabilitiesCommand;
    if (cap && OPEN.has(cap.status)) {
      return result(LampProgramState.PENDING, 'reading the Program Manager (3457) of the controller');
    }
    if (cap && DONE_BAD.has(cap.status)) {
      return result(LampProgramState.FAILED, `the Program Manager could not be read: ${describe(cap)}`);
    }
    return result(LampProgramState.PENDING, 'not applied yet');
  }
  const failed = input.applyCommands.find((c) => DONE_BAD.has(c.status));
  if (failed) return result(LampProgramState.FAILED, describe(failed));
  const open = input.applyCommands.filter((c) => OPEN.has(c.status)).length;
  if (open > 0) {
    return result(
      LampProgramState.PENDING,
      `${open} of ${input.applyCommands.length} commands not answered yet`,
    );
  }
  if (input.appliedVersion !== input.programVersion) {
    return result(
      LampProgramState.DRIFT,
      `the program changed since it was applied (version ${input.appliedVersion ?? '-'} applied, ${input.programVersion} current)`,
    );
  }
  if (input.verifyCommands.length === 0) return result(LampProgramState.APPLIED, 'applied, not verified');
  const verifyFailed = input.verifyCommands.find((v) => DONE_BAD.has(v.row.status));
  if (verifyFailed) return result(LampProgramState.FAILED, `verification: ${describe(verifyFailed.row)}`);
  if (input.verifyCommands.some((v) => OPEN.has(v.row.status))) {
    return result(LampProgramState.APPLIED, 'applied; verification pending');
  }
  const read = new Map<string, unknown>();
  for (const v of input.verifyCommands) for (const r of v.values ?? []) read.set(r.path, r.value);
  for (const inst of input.expected ?? []) {
    for (const [rid, value] of Object.entries(inst.resources)) {
      const base = `/${inst.objectId}/${inst.instanceId}/${rid}`;
      const pairs: [string, unknown][] =
        typeof value === 'object'
          ? Object.entries(value).map(([ri, v]) => [`${base}/${ri}`, v])
          : [[base, value]];
      for (const [path, want] of pairs) {
        const got = read.get(path);
        if (!sameValue(got, want)) {
          return result(
            LampProgramState.DRIFT,
            `the controller holds ${path} = ${JSON.stringify(got ?? null)}, the program has ${JSON.stringify(want)}`,
          );
        }
      }
    }
  }
  const inError = monitor.find((m) => (m.errorConditions ?? 0) !== 0);
  if (inError) {
    return result(
      LampProgramState.FAILED,
      `Program Monitor /3458/${inError.instanceId} reports error conditions 0b${(inError.errorConditions ?? 0).toString(2)}`,
    );
  }
  return result(LampProgramState.APPLIED, 'applied and read back equal');
}

function sameValue(got: unknown, want: unknown): boolean {
  if (typeof want === 'number')
    return typeof got === 'number' ? Math.abs(got - want) < 1e-6 : Number(got) === want;
  return got === want;
}

/** 3458 instances from read values (/3458/<i>/<r>). */
export function monitorEntries(values: readonly ReadValue[]): MonitorEntry[] {
  const byInstance = new Map<number, Map<number, unknown>>();
  for (const v of values) {
    const m = /^\/3458\/(\d+)\/(\d+)$/.exec(v.path);
    if (!m) continue;
    const inst = Number(m[1]);
    let r = byInstance.get(inst);
    if (!r) byInstance.set(inst, (r = new Map()));
    r.set(Number(m[2]), v.value);
  }
  const num = (v: unknown) =>
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
  const R = ProgramMonitorResource;
  return [...byInstance.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([instanceId, r]) => ({
      instanceId,
      programName: typeof r.get(R.programName) === 'string' ? (r.get(R.programName) as string) : null,
      status: num(r.get(R.status)),
      errorConditions: num(r.get(R.errorConditions)),
      executionCounter: num(r.get(R.executionCounter)),
    }));
}
