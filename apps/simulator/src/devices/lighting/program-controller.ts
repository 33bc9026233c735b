import { type ObjectTree } from '@smartcity/lwm2m-client';
import { Lwm2mPath, type ObjectModel } from '@smartcity/lwm2m-core';
import {
  type DeviceObjects,
  type GeoLocation,
  type LightingSchedule,
  decompileProgram,
  programOutputAt,
  scheduleLevelAt,
} from '@smartcity/ucifi-lighting';
import {
  OBJECT_IDS,
  OutdoorLampControllerResource,
  ProgramManagerResource,
  ProgramMonitorResource,
} from '@smartcity/ucifi-model';

/** What the simulated controller announces in its Program Manager (3457/0). */
export interface ProgramManagerSettings {
  readonly maxProgramSchedulers: number;
  readonly maxProgramFunctions: number;
  readonly maxCalendars: number;
  readonly maxActuators: number;
  readonly maxDatesInCalendar: number;
  /** 3457/13 bitmap. */
  readonly supportedCapabilities: number;
}

export const DEFAULT_PROGRAM_MANAGER: ProgramManagerSettings = {
  maxProgramSchedulers: 8,
  maxProgramFunctions: 8,
  maxCalendars: 8,
  maxActuators: 1,
  maxDatesInCalendar: 4,
  // Astronomical events, output filters, calendar, compound, second granularity, off when inactive, transaction.
  supportedCapabilities: 0b111_1111_0001,
};

/** Object versions a programmable lamp controller announces (DDF versions of libs/ucifi/model). */
export const PROGRAM_OBJECT_VERSIONS: Readonly<Record<number, string>> = {
  [OBJECT_IDS.programScheduler]: '1.0',
  [OBJECT_IDS.calendarRule]: '1.0',
  [OBJECT_IDS.programFunction]: '1.0',
  [OBJECT_IDS.outputFilter]: '1.0',
  [OBJECT_IDS.programManager]: '1.1',
  [OBJECT_IDS.programMonitor]: '1.0',
};

const PROGRAM_OBJECTS = [
  OBJECT_IDS.programScheduler,
  OBJECT_IDS.calendarRule,
  OBJECT_IDS.programFunction,
  OBJECT_IDS.outputFilter,
] as const;

/**
 * A lamp controller's program engine (uCIFI 3452-3458) on a simulated device's object tree: the server creates
 * the 3453/3456/3454/3452 instances, Execute /3457/0/16 wipes them, and `evaluate(t)` runs them the way the
 * platform's library reads them (decompileProgram + programOutputAt): the 3416 Command follows the program, and
 * each scheduler's 3458 Program Monitor shows its status, errors and counters.
 */
export class ProgramController {
  private lastOutput: number | null = null;

  constructor(
    private readonly tree: ObjectTree,
    private readonly location: GeoLocation,
    private readonly timeZone: string,
  ) {}

  /** Adds the program objects (the models at PROGRAM_OBJECT_VERSIONS) and the 3457 instance. */
  static install(
    tree: ObjectTree,
    model: (objectId: number, version: string) => ObjectModel,
    location: GeoLocation,
    timeZone: string,
    settings: ProgramManagerSettings = DEFAULT_PROGRAM_MANAGER,
  ): ProgramController {
    for (const [id, version] of Object.entries(PROGRAM_OBJECT_VERSIONS)) {
      if (!tree.getObjectModel(Number(id))) tree.addObject(model(Number(id), version));
    }
    const R = ProgramManagerResource;
    tree.addInstance(OBJECT_IDS.programManager, 0, {
      [R.maxNumberOfProgramSchedulers]: settings.maxProgramSchedulers,
      [R.currentNumberOfProgramSchedulers]: 0,
      [R.maxNumberOfProgramFunctions]: settings.maxProgramFunctions,
      [R.currentNumberOfProgramFunctions]: 0,
      [R.maxNumberOfCalendars]: settings.maxCalendars,
      [R.currentNumberOfCalendar]: 0,
      [R.maxNumberOfActuators]: settings.maxActuators,
      [R.maxNumberOfDatesInCalendar]: settings.maxDatesInCalendar,
      [R.maxFlashMemoryAllocated]: 65536,
      [R.errorConditions]: 0,
      [R.supportedCapabilities]: settings.supportedCapabilities,
    });
    const controller = new ProgramController(tree, location, timeZone);
    tree.onExecute(OBJECT_IDS.programManager, R.resetScheduleObjects, () => controller.reset(), 0);
    tree.onExecute(OBJECT_IDS.programManager, R.clearErrors, () => controller.clearErrors(), 0);
    tree.onChange((path) => {
      if ((PROGRAM_OBJECTS as readonly number[]).includes(path.objectId ?? -1)) controller.countAllocations();
    });
    return controller;
  }

  /**
   * A fleet device whose vendor profile announces the program objects (the factory gave each object an empty
   * instance 0): keeps the objects, drops those empty instances, fills 3457/0 and starts the engine. Undefined when
   * the device has no Program Manager.
   */
  static adopt(
    tree: ObjectTree,
    location: GeoLocation,
    timeZone: string,
    settings: ProgramManagerSettings = DEFAULT_PROGRAM_MANAGER,
  ): ProgramController | undefined {
    if (!tree.getObjectModel(OBJECT_IDS.programManager)) return undefined;
    for (const id of [...PROGRAM_OBJECTS, OBJECT_IDS.programMonitor, OBJECT_IDS.programManager]) {
      for (const iid of tree.instanceIds(id)) tree.delete(new Lwm2mPath(id, iid));
    }
    return ProgramController.install(
      tree,
      () => {
        throw new Error('adopt uses the objects the device already has');
      },
      location,
      timeZone,
      settings,
    );
  }

  /** Execute /3457/0/16 "Reset schedule objects": every schedule object and monitor goes. */
  reset(): void {
    for (const id of [...PROGRAM_OBJECTS, OBJECT_IDS.programMonitor]) {
      for (const iid of this.tree.instanceIds(id)) this.tree.delete(new Lwm2mPath(id, iid));
    }
    this.lastOutput = null;
    this.countAllocations();
  }

  clearErrors(): void {
    this.tree.set(new Lwm2mPath(OBJECT_IDS.programManager, 0, ProgramManagerResource.errorConditions), 0);
  }

  /** The instances the device holds, as the library reads them. */
  objects(): DeviceObjects {
    const out = new Map<number, Map<number, Map<number, unknown>>>();
    for (const id of PROGRAM_OBJECTS) {
      const model = this.tree.getObjectModel(id);
      if (!model) continue;
      const byInstance = new Map<number, Map<number, unknown>>();
      for (const iid of this.tree.instanceIds(id)) {
        const r = new Map<number, unknown>();
        for (const rid of model.resources.keys()) {
          const v = this.tree.get(new Lwm2mPath(id, iid, rid));
          if (v !== undefined) r.set(rid, v);
        }
        byInstance.set(iid, r);
      }
      out.set(id, byInstance);
    }
    return out;
  }

  /**
   * Runs the programs at `timeMs`: the lamp's 3416 Command takes the program's level (when a schedule runs), and
   * 3458/<scheduler> shows name, status (0 disabled, 1 inactive, 2 running), errors and counters.
   */
  evaluate(timeMs: number): number | null {
    this.countAllocations();
    const decompiled = decompileProgram(this.objects());
    const runnable = decompiled.flatMap((d) => (d.schedule ? [d.schedule] : []));
    const ctx = { location: this.location, timeZone: this.timeZone };
    const output = programOutputAt({ schedules: runnable }, timeMs, ctx);
    const changed = output.level !== null && output.level !== this.lastOutput;
    for (const d of decompiled) {
      this.monitor(
        d.instanceId,
        d.name,
        d.schedule,
        d.errorConditions,
        timeMs,
        changed && d.name === output.schedule,
        output.level,
      );
    }
    const errors = decompiled.some((d) => d.errorConditions !== 0);
    // 3457/11 bit 0 "No valid program", bit 5 "Invalid function format".
    const managerErrors = (runnable.length === 0 && decompiled.length > 0 ? 1 : 0) | (errors ? 1 << 5 : 0);
    this.tree.set(
      new Lwm2mPath(OBJECT_IDS.programManager, 0, ProgramManagerResource.errorConditions),
      managerErrors,
    );
    if (changed && output.level !== null) {
      this.lastOutput = output.level;
      const lamp = new Lwm2mPath(OBJECT_IDS.outdoorLampController, 0, OutdoorLampControllerResource.command);
      if (this.tree.has(lamp)) this.tree.set(lamp, Math.round(output.level));
    }
    return output.level;
  }

  private monitor(
    instanceId: number,
    name: string,
    schedule: LightingSchedule | null,
    errorConditions: number,
    timeMs: number,
    executed: boolean,
    level: number | null,
  ): void {
    const M = ProgramMonitorResource;
    const id = OBJECT_IDS.programMonitor;
    if (!this.tree.has(new Lwm2mPath(id, instanceId))) {
      this.tree.addInstance(id, instanceId, {
        [M.programName]: name,
        [M.evaluationCounter]: 0,
        [M.executionCounter]: 0,
      });
    }
    const at = (r: number) => new Lwm2mPath(id, instanceId, r);
    const ctx = { location: this.location, timeZone: this.timeZone };
    const status =
      schedule === null || schedule.enabled === false
        ? 0
        : scheduleLevelAt(schedule, timeMs, ctx) === null
          ? 1
          : 2;
    this.tree.set(at(M.programName), name);
    this.tree.set(at(M.status), status);
    this.tree.set(at(M.errorConditions), errorConditions);
    this.tree.set(at(M.evaluationCounter), Number(this.tree.get(at(M.evaluationCounter)) ?? 0) + 1);
    if (executed && level !== null) {
      this.tree.set(at(M.executionCounter), Number(this.tree.get(at(M.executionCounter)) ?? 0) + 1);
      this.tree.set(at(M.lastExecution), Math.floor(timeMs / 1000)); // Time: seconds since the epoch
      this.tree.set(at(M.lastControlOutput), new Map([[0, String(level)]]));
    }
  }

  private countAllocations(): void {
    const R = ProgramManagerResource;
    const set = (rid: number, n: number) => {
      const p = new Lwm2mPath(OBJECT_IDS.programManager, 0, rid);
      if (this.tree.has(new Lwm2mPath(OBJECT_IDS.programManager, 0))) this.tree.set(p, n);
    };
    set(R.currentNumberOfProgramSchedulers, this.tree.instanceIds(OBJECT_IDS.programScheduler).length);
    set(R.currentNumberOfProgramFunctions, this.tree.instanceIds(OBJECT_IDS.programFunction).length);
    set(R.currentNumberOfCalendar, this.tree.instanceIds(OBJECT_IDS.calendarRule).length);
  }
}

/** The IANA zone of a simulated city: the demo cities' own, else the fixed offset (POSIX-style Etc/GMT signs). */
export function cityTimeZone(tenant: string, utcOffsetHours: number): string {
  const known: Record<string, string> = { lyon: 'Europe/Paris', porto: 'Europe/Lisbon' };
  if (known[tenant]) return known[tenant];
  if (utcOffsetHours === 0) return 'UTC';
  return `Etc/GMT${utcOffsetHours > 0 ? '-' : '+'}${Math.abs(utcOffsetHours)}`;
}
