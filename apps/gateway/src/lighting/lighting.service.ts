import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { type TxClient } from '@smartcity/platform-db';
import {
  type CompiledInstance,
  type LightingProgram as ProgramDefinition,
  ProgramCompileError,
  ProgramValidationError,
  capabilitiesFromValues,
  compileProgram,
  energyEstimate,
  isTimeZone,
  MAX_PREVIEW_HOURS,
  schedulePreview,
  validateProgram,
} from '@smartcity/ucifi-lighting';
import {
  type ModelRegistry,
  ElectricalMonitorResource,
  OBJECT_IDS,
  OutdoorLampControllerResource,
  ProgramManagerResource,
  objectVersionsFromRecord,
} from '@smartcity/ucifi-model';
import { categoryScope, tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { CommandInputError, decodeValues, parsePath } from '../commands/command-encoding';
import { createPlan, executePlan, readPlan } from '../commands/command-planners';
import { type CommandRefusal, type DeviceTargets } from '../commands/command.models';
import { type CommandRow, CommandsRepository } from '../commands/commands.repository';
import { type CommandPlanner, CommandsService, NOT_IN_TENANT } from '../commands/commands.service';
import { type CommandsConfig } from '../commands/commands.config';
import { COMMANDS_CONFIG } from '../commands/commands.tokens';
import { TenantDb } from '../db/tenant-db.service';
import { type DeviceRow } from '../devices/device.rows';
import { DevicesRepository } from '../devices/devices.repository';
import { GatewayException } from '../errors/gateway.exception';
import { MODEL_REGISTRY } from '../gateway.tokens';
import { type LampProgramState, lampStatus, type ReadValue } from './lighting-status';
import {
  type CreateLightingProgramInput,
  type LightingAssignmentResult,
  type LightingEnergyEstimate,
  type LightingLampStatus,
  type LightingLocation,
  type LightingProgram,
  type LightingSchedulePreview,
  type UpdateLightingProgramInput,
} from './lighting.models';
import {
  type LightingAssignmentRow,
  type LightingProgramRow,
  LightingRepository,
  type TenantLocation,
} from './lighting.repository';

/** Objects a lamp controller must announce to hold a program (uCIFI 3452-3457; 3456 only when used). */
const PROGRAM_OBJECTS = [
  OBJECT_IDS.programScheduler,
  OBJECT_IDS.calendarRule,
  OBJECT_IDS.programFunction,
  OBJECT_IDS.programManager,
];
const CAPABILITIES_READ = 'lighting-read-capabilities';
const MAX_WAIT_S = 60;

function toProgram(row: LightingProgramRow): LightingProgram {
  return { ...row };
}

/** Maps library errors to BAD_USER_INPUT with their whole text (every issue and its path). */
function validated(definition: unknown): ProgramDefinition {
  try {
    return validateProgram(definition);
  } catch (err) {
    if (err instanceof ProgramValidationError) throw GatewayException.badInput(err.message, 'definition');
    throw err;
  }
}

/**
 * Lighting programs of a city (issue 19): CRUD, assignment to lamp controllers, schedule preview and energy at
 * the city's location, and apply/verify through the device command service (each Create/Execute/Read is a
 * command with its outcome; the lamp's state is derived from them, see lighting-status.ts). Another city's
 * program is "lighting program not found", exactly as an id that does not exist (RLS hides it).
 */
@Injectable()
export class LightingService {
  constructor(
    private readonly db: TenantDb,
    private readonly repository: LightingRepository,
    private readonly devices: DevicesRepository,
    private readonly commands: CommandsService,
    private readonly commandRows: CommandsRepository,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
    @Inject(COMMANDS_CONFIG) private readonly config: CommandsConfig,
  ) {}

  async list(principal: Principal): Promise<LightingProgram[]> {
    return (await this.db.inTenant(tenantOf(principal), (tx) => this.repository.list(tx))).map(toProgram);
  }

  async get(principal: Principal, id: string): Promise<LightingProgram | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.inTenant(tenantOf(principal), (tx) => this.repository.find(tx, id));
    return row ? toProgram(row) : null;
  }

  async create(principal: Principal, input: CreateLightingProgramInput): Promise<LightingProgram> {
    const name = checkName(input.name);
    const description = checkDescription(input.description ?? null);
    const definition = validated(input.definition);
    const tenant = tenantOf(principal);
    const row = await this.db.inTenant(tenant, async (tx) => {
      const id = await this.repository.insert(tx, tenant, {
        name,
        description,
        definition,
        createdBy: principal.username,
      });
      if (!id) throw GatewayException.badInput(`a lighting program is named "${name}" already`, 'input.name');
      return this.repository.find(tx, id);
    });
    return toProgram(row!);
  }

  async update(
    principal: Principal,
    id: string,
    input: UpdateLightingProgramInput,
  ): Promise<LightingProgram> {
    const definition = input.definition != null ? validated(input.definition) : null;
    const row = await this.db.inTenant(tenantOf(principal), async (tx) => {
      const current = await this.program(tx, id);
      const name = input.name != null ? checkName(input.name) : current.name;
      const description =
        input.description !== undefined ? checkDescription(input.description) : current.description;
      const changed =
        definition !== null && JSON.stringify(definition) !== JSON.stringify(current.definition);
      const ok = await this.repository.update(tx, id, {
        name,
        description,
        definition: definition ?? current.definition,
        definitionChanged: changed,
      });
      if (!ok) throw GatewayException.badInput(`a lighting program is named "${name}" already`, 'input.name');
      return this.repository.find(tx, id);
    });
    return toProgram(row!);
  }

  async delete(principal: Principal, id: string): Promise<LightingProgram> {
    return this.db.inTenant(tenantOf(principal), async (tx) => {
      const current = await this.program(tx, id);
      await this.repository.delete(tx, id);
      return toProgram(current);
    });
  }

  async assign(
    principal: Principal,
    programId: string,
    targets: DeviceTargets,
  ): Promise<LightingAssignmentResult> {
    const tenant = tenantOf(principal);
    const refused: CommandRefusal[] = [];
    const assigned = await this.db.inTenant(tenant, async (tx) => {
      await this.program(tx, programId);
      const devices = await this.resolveTargets(tx, principal, targets, refused);
      const ok: string[] = [];
      for (const d of devices) {
        const missing = PROGRAM_OBJECTS.filter((o) => !(String(o) in (d.objectVersions ?? {})));
        if (d.decommissionedAt) refused.push({ deviceId: d.id, reason: 'the device is decommissioned' });
        else if (missing.length > 0) {
          refused.push({
            deviceId: d.id,
            reason: `not a programmable lamp controller: objects ${missing.join(', ')} not registered`,
          });
        } else ok.push(d.id);
      }
      if (ok.length > 0) await this.repository.assign(tx, tenant, programId, ok);
      return ok;
    });
    return { programId, assigned, refused };
  }

  async unassign(principal: Principal, deviceIds: readonly string[]): Promise<number> {
    const ids = deviceIds.filter(isUuid);
    if (ids.length === 0) return 0;
    return this.db.inTenant(tenantOf(principal), (tx) => this.repository.unassign(tx, ids));
  }

  async location(principal: Principal): Promise<LightingLocation | null> {
    const raw = await this.db.inTenant(tenantOf(principal), (tx) =>
      this.repository.location(tx, tenantOf(principal)),
    );
    return parseLocation(raw);
  }

  async setLocation(principal: Principal, location: TenantLocation): Promise<LightingLocation> {
    const checked = parseLocation(location);
    if (!checked) {
      throw GatewayException.badInput(
        'latitude within -90..90, longitude within -180..180 and a known IANA time zone are required',
      );
    }
    const tenant = tenantOf(principal);
    await this.db.inTenant(tenant, (tx) => this.repository.setLocation(tx, tenant, checked));
    return checked;
  }

  async preview(
    principal: Principal,
    programId: string,
    hours: number,
    from: Date | null | undefined,
  ): Promise<LightingSchedulePreview> {
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_PREVIEW_HOURS) {
      throw GatewayException.badInput(`hours must be an integer within 1..${MAX_PREVIEW_HOURS}`, 'hours');
    }
    const tenant = tenantOf(principal);
    const { program, location } = await this.db.inTenant(tenant, async (tx) => ({
      program: await this.program(tx, programId),
      location: await this.requireLocation(tx, tenant),
    }));
    const start = from ? from.getTime() : Date.now();
    const p = schedulePreview(
      program.definition as unknown as ProgramDefinition,
      location,
      location.timeZone,
      start,
      hours,
    );
    return {
      programId,
      from: new Date(p.from),
      to: new Date(p.to),
      location,
      initialLevel: p.initial.level,
      initialSchedule: p.initial.schedule,
      changes: p.changes.map((c) => ({ ...c, at: new Date(c.at) })),
    };
  }

  async energy(
    principal: Principal,
    programId: string,
    hours: number,
    from: Date | null | undefined,
    ratedPowerW: number | null | undefined,
  ): Promise<LightingEnergyEstimate> {
    if (
      ratedPowerW != null &&
      !(Number.isFinite(ratedPowerW) && ratedPowerW >= 0 && ratedPowerW <= 100_000)
    ) {
      throw GatewayException.badInput('ratedPowerW must be within 0..100000 W', 'ratedPowerW');
    }
    const preview = await this.preview(principal, programId, hours, from);
    const lib = {
      from: preview.from.getTime(),
      to: preview.to.getTime(),
      initial: { level: preview.initialLevel, schedule: preview.initialSchedule },
      changes: preview.changes.map((c) => ({ ...c, at: c.at.getTime() })),
    };
    const power = `/${OBJECT_IDS.electricalMonitor}/0/${ElectricalMonitorResource.activePower}`;
    const level = `/${OBJECT_IDS.outdoorLampController}/0/${OutdoorLampControllerResource.dimmingLevel}`;
    const { assignments, values } = await this.db.inTenant(tenantOf(principal), async (tx) => {
      const assignments = await this.repository.assignments(tx, programId);
      const values = await this.repository.latestNumbers(
        tx,
        assignments.map((a) => a.deviceId),
        [power, level],
      );
      return { assignments, values };
    });
    const lamps: LightingEnergyEstimate['lamps'] = [];
    const lampsWithoutPower: string[] = [];
    let uncontrolledHours = 0;
    for (const a of assignments) {
      const w = values.find((v) => v.deviceId === a.deviceId && v.path === power)?.value;
      const l = values.find((v) => v.deviceId === a.deviceId && v.path === level)?.value;
      const basis =
        w !== undefined && l !== undefined && l > 0
          ? { measuredPowerW: w, atLevel: l }
          : ratedPowerW != null
            ? { ratedPowerW }
            : null;
      if (!basis) {
        lampsWithoutPower.push(a.deviceId);
        continue;
      }
      const e = energyEstimate(lib, basis);
      uncontrolledHours = e.uncontrolledHours;
      lamps.push({
        deviceId: a.deviceId,
        basis: 'measuredPowerW' in basis ? 'MEASURED' : 'RATED',
        ratedPowerW: e.ratedPowerW,
        kWh: e.kWh,
      });
    }
    const rated = ratedPowerW != null ? energyEstimate(lib, { ratedPowerW }) : null;
    return {
      programId,
      from: preview.from,
      to: preview.to,
      totalKWh: Math.round(lamps.reduce((s, l) => s + l.kWh, 0) * 1e6) / 1e6,
      ratedLampKWh: rated?.kWh ?? null,
      uncontrolledHours: rated?.uncontrolledHours ?? uncontrolledHours,
      lamps,
      lampsWithoutPower,
    };
  }

  /**
   * Applies the program to every assigned lamp: the controller's capabilities (3457) come from its reported state
   * or a Read of /3457/0 (waited for up to `waitSeconds`); the program is compiled for them and sent as an
   * Execute of /3457/0/16 "Reset schedule objects" followed by the Create of each instance, in order (one queue per
   * device). A lamp whose controller does not fit gets the compiler's reason and no command.
   */
  async apply(
    principal: Principal,
    programId: string,
    waitSeconds: number,
    states?: readonly LampProgramState[] | null,
  ): Promise<LightingLampStatus[]> {
    if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_S) {
      throw GatewayException.badInput(`waitSeconds must be within 0..${MAX_WAIT_S}`, 'waitSeconds');
    }
    const tenant = tenantOf(principal);
    // Re-apply only where needed (e.g. DRIFT, FAILED): the lamps whose current state is one of `states`.
    const only =
      states && states.length > 0
        ? new Set(
            (await this.statuses(principal, programId))
              .filter((s) => states.includes(s.state))
              .map((s) => s.deviceId),
          )
        : null;
    const { program, assignments, devices, reported } = await this.db.inTenant(tenant, async (tx) => {
      const program = await this.program(tx, programId);
      const assignments = (await this.repository.assignments(tx, programId)).filter(
        (a) => only === null || only.has(a.deviceId),
      );
      const ids = assignments.map((a) => a.deviceId);
      const devices = await this.devices.findByIds(tx, ids);
      const reported = await this.repository.latestNumbers(
        tx,
        ids,
        Object.values(ProgramManagerResource).map((r) => `/${OBJECT_IDS.programManager}/0/${r}`),
      );
      return { program, assignments, devices, reported };
    });
    const byId = new Map(devices.map((d) => [d.id, d]));
    // 1. Capabilities: the values the lamp reported (device_state), else its last read, else a Read of /3457/0 now.
    const capabilities = new Map<string, Record<number, unknown>>();
    const reads = new Map<string, string>();
    for (const a of assignments) {
      const own = reported.filter((v) => v.deviceId === a.deviceId);
      if (own.length > 0) {
        capabilities.set(
          a.deviceId,
          Object.fromEntries(own.map((v) => [Number(v.path.split('/')[3]), v.value])),
        );
      }
    }
    // An earlier successful read of /3457/0 (capacity and capabilities are the controller's, they do not move).
    const earlier = assignments.flatMap((a) =>
      !capabilities.has(a.deviceId) && a.capabilitiesCommandId ? [a.capabilitiesCommandId] : [],
    );
    for (const row of await this.commandRowsOf(earlier, tenant)) {
      const values = row.status === 'SUCCEEDED' ? this.decode(row, byId.get(row.deviceId)) : null;
      if (values) capabilities.set(row.deviceId, resourceMap(values));
    }
    const toRead = assignments.filter((a) => !capabilities.has(a.deviceId)).map((a) => a.deviceId);
    if (toRead.length > 0) {
      const result = await this.commands.issue(
        principal,
        { deviceIds: toRead },
        (device, models) => ({
          ...readPlan(`/${OBJECT_IDS.programManager}/0`)(device, models),
          type: CAPABILITIES_READ,
        }),
        null,
      );
      await this.db.inTenant(tenant, async (tx) => {
        for (const c of result.commands) {
          reads.set(c.deviceId, c.id);
          await this.repository.recordCapabilitiesRead(tx, c.deviceId, c.id);
        }
      });
      const until = Date.now() + waitSeconds * 1000;
      for (;;) {
        const rows = await this.commandRowsOf([...reads.values()], tenant);
        for (const row of rows) {
          if (row.status !== 'SUCCEEDED') continue;
          const values = this.decode(row, byId.get(row.deviceId));
          if (values) capabilities.set(row.deviceId, resourceMap(values));
          reads.delete(row.deviceId);
        }
        const open = rows.filter((r) => r.status === 'PENDING' || r.status === 'SENT').length;
        if (open === 0 || Date.now() >= until) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    // 2. Compile and send, per lamp.
    for (const a of assignments) {
      const device = byId.get(a.deviceId);
      const values = capabilities.get(a.deviceId);
      if (!device || !values) continue; // still reading (or read failed): the status says which
      let instances: readonly CompiledInstance[];
      try {
        instances = compileProgram(
          program.definition as unknown as ProgramDefinition,
          capabilitiesFromValues(values),
        ).instances;
      } catch (err) {
        if (!(err instanceof ProgramCompileError) && !(err instanceof ProgramValidationError)) throw err;
        await this.db.inTenant(tenant, (tx) =>
          this.repository.recordApply(tx, a.deviceId, {
            version: program.version,
            commandIds: [],
            error: err.message,
          }),
        );
        continue;
      }
      const plans: CommandPlanner[] = [
        executePlan(`/${OBJECT_IDS.programManager}/0/${ProgramManagerResource.resetScheduleObjects}`, null),
        ...instances.map((i) => createPlan(i.objectId, i.instanceId, i.resources)),
      ];
      const ids: string[] = [];
      let error: string | null = null;
      for (const plan of plans) {
        try {
          const c = await this.commands.issueOne(principal, a.deviceId, plan, null);
          ids.push(c.id);
        } catch (err) {
          if (!(err instanceof GatewayException) && !(err instanceof CommandInputError)) throw err;
          error = `not sent: ${err.message}`;
          break;
        }
      }
      await this.db.inTenant(tenant, (tx) =>
        this.repository.recordApply(tx, a.deviceId, { version: program.version, commandIds: ids, error }),
      );
    }
    return this.statuses(principal, programId);
  }

  /** Reads back the program objects and the Program Monitor (3458) of every lamp that was applied. */
  async verify(principal: Principal, programId: string): Promise<LightingLampStatus[]> {
    const tenant = tenantOf(principal);
    const { program, assignments, devices } = await this.db.inTenant(tenant, async (tx) => {
      const program = await this.program(tx, programId);
      const assignments = await this.repository.assignments(tx, programId);
      return {
        program,
        assignments,
        devices: await this.devices.findByIds(
          tx,
          assignments.map((a) => a.deviceId),
        ),
      };
    });
    for (const a of assignments) {
      if (a.applyCommandIds.length === 0) continue;
      const device = devices.find((d) => d.id === a.deviceId);
      // The objects the program uses (a device may answer 4.04 for an object without instances), and 3458.
      const used = new Set(this.expectedInstances(program).map((i) => i.objectId));
      const objects = [
        OBJECT_IDS.programScheduler,
        OBJECT_IDS.calendarRule,
        OBJECT_IDS.programFunction,
        OBJECT_IDS.outputFilter,
        OBJECT_IDS.programMonitor,
      ].filter(
        (o) =>
          String(o) in (device?.objectVersions ?? {}) && (used.has(o) || o === OBJECT_IDS.programMonitor),
      );
      const ids: string[] = [];
      for (const o of objects)
        ids.push((await this.commands.issueOne(principal, a.deviceId, readPlan(`/${o}`), null)).id);
      await this.db.inTenant(tenant, (tx) => this.repository.recordVerify(tx, a.deviceId, ids));
    }
    return this.statuses(principal, programId);
  }

  async statuses(principal: Principal, programId: string): Promise<LightingLampStatus[]> {
    const tenant = tenantOf(principal);
    const { program, assignments, devices, rows } = await this.db.inTenant(tenant, async (tx) => {
      const program = await this.program(tx, programId);
      const assignments = await this.repository.assignments(tx, programId);
      const devices = await this.devices.findByIds(
        tx,
        assignments.map((a) => a.deviceId),
      );
      const ids = assignments.flatMap((a) => [
        ...a.applyCommandIds,
        ...a.verifyCommandIds,
        ...(a.capabilitiesCommandId ? [a.capabilitiesCommandId] : []),
      ]);
      const rows = ids.length > 0 ? await this.commandRows.findByIds(tx, ids) : [];
      return { program, assignments, devices, rows };
    });
    const rowById = new Map(rows.map((r) => [r.id, r]));
    return assignments.map((a) =>
      this.statusOf(
        program,
        a,
        devices.find((d) => d.id === a.deviceId),
        rowById,
      ),
    );
  }

  private statusOf(
    program: LightingProgramRow,
    a: LightingAssignmentRow,
    device: DeviceRow | undefined,
    rows: Map<string, CommandRow>,
  ): LightingLampStatus {
    const pick = (ids: readonly string[]) =>
      ids.map((id) => rows.get(id)).filter((r): r is CommandRow => !!r);
    const capabilitiesCommand = a.capabilitiesCommandId ? (rows.get(a.capabilitiesCommandId) ?? null) : null;
    const expected = this.expectedInstances(program);
    const status = lampStatus({
      programVersion: program.version,
      appliedVersion: a.appliedVersion,
      applyError: a.applyError,
      applyCommands: pick(a.applyCommandIds),
      capabilitiesCommand,
      verifyCommands: pick(a.verifyCommandIds).map((row) => ({ row, values: this.decode(row, device) })),
      expected,
    });
    return {
      deviceId: a.deviceId,
      programId: a.programId,
      state: status.state,
      detail: status.detail,
      programVersion: program.version,
      appliedVersion: a.appliedVersion,
      appliedAt: a.appliedAt,
      verifiedAt: a.verifiedAt,
      commandIds: a.applyCommandIds,
      monitor: [...status.monitor],
    };
  }

  /** What the program compiles to, whatever the controller's limits (those matter for refusals, recorded at apply). */
  private expectedInstances(program: LightingProgramRow): readonly CompiledInstance[] {
    try {
      return compileProgram(program.definition as unknown as ProgramDefinition, {
        ...UNLIMITED,
        supportedCapabilities: ALL_CAPABILITIES,
      }).instances;
    } catch {
      return [];
    }
  }

  private decode(row: CommandRow, device: DeviceRow | undefined): ReadValue[] | null {
    const op = row.request.operation as { path?: string };
    if (row.status !== 'SUCCEEDED' || !row.result?.payload || row.result.contentFormat === undefined)
      return null;
    try {
      const models = this.models.providerFor(objectVersionsFromRecord(device?.objectVersions ?? {}));
      return decodeValues(
        row.result.payload,
        row.result.contentFormat,
        parsePath(op.path ?? '/', 0, 4),
        models,
      );
    } catch {
      return null;
    }
  }

  private async commandRowsOf(ids: readonly string[], tenant: string): Promise<CommandRow[]> {
    if (ids.length === 0) return [];
    return this.db.inTenant(tenant, (tx) => this.commandRows.findByIds(tx, ids));
  }

  private async program(tx: TxClient, id: string): Promise<LightingProgramRow> {
    const row = isUuid(id) ? await this.repository.find(tx, id) : null;
    if (!row) throw GatewayException.notFound('lighting program');
    return row;
  }

  private async requireLocation(tx: TxClient, tenant: string): Promise<TenantLocation> {
    const location = parseLocation(await this.repository.location(tx, tenant));
    if (!location) {
      throw GatewayException.badInput(
        'the city has no location for sun events: set it with setLightingLocation (latitude, longitude, time zone)',
      );
    }
    return location;
  }

  private async resolveTargets(
    tx: TxClient,
    principal: Principal,
    targets: DeviceTargets,
    refused: CommandRefusal[],
  ): Promise<DeviceRow[]> {
    const ids = targets.deviceIds ?? null;
    const filter = targets.filter ?? null;
    if ((ids === null) === (filter === null))
      throw GatewayException.badInput('give either deviceIds or filter', 'targets');
    const max = this.config.COMMANDS_MAX_BULK;
    const scope = categoryScope(principal);
    if (ids !== null) {
      const unique = [...new Set(ids)];
      if (unique.length === 0 || unique.length > max) {
        throw GatewayException.badInput(`between 1 and ${max} devices`, 'targets.deviceIds');
      }
      const rows = await this.devices.findByIds(tx, unique.filter(isUuid));
      const found = new Set(rows.map((r) => r.id));
      for (const id of unique) if (!found.has(id)) refused.push({ deviceId: id, reason: NOT_IN_TENANT });
      return rows;
    }
    const rows = await this.devices.list(tx, { ...filter, categories: scope, limit: max + 1 });
    if (rows.length > max)
      throw GatewayException.badInput(`the filter matches more than ${max} devices`, 'targets.filter');
    return rows;
  }
}

const UNLIMITED = {
  maxProgramSchedulers: Number.MAX_SAFE_INTEGER,
  maxProgramFunctions: Number.MAX_SAFE_INTEGER,
  maxCalendars: Number.MAX_SAFE_INTEGER,
  maxActuators: Number.MAX_SAFE_INTEGER,
};
const ALL_CAPABILITIES = 0xffffffff;

/** Resource id -> value from the records of a read of /3457/0. */
function resourceMap(values: readonly ReadValue[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const v of values) {
    const m = /^\/\d+\/\d+\/(\d+)$/.exec(v.path);
    if (m) out[Number(m[1])] = v.value;
  }
  return out;
}

function parseLocation(raw: unknown): TenantLocation | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const { latitude, longitude, timeZone } = r;
  if (typeof latitude !== 'number' || !(latitude >= -90 && latitude <= 90)) return null;
  if (typeof longitude !== 'number' || !(longitude >= -180 && longitude <= 180)) return null;
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) return null;
  return { latitude, longitude, timeZone };
}

function checkName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 200)
    throw GatewayException.badInput('name must have 1 to 200 characters', 'input.name');
  return n;
}

function checkDescription(d: string | null): string | null {
  if (d !== null && d.length > 2000) {
    throw GatewayException.badInput('description must have at most 2000 characters', 'input.description');
  }
  return d;
}
