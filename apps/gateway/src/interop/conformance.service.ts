import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type CaseResult,
  type DeviceUnderTest,
  deviceUnderTest,
  describeCase,
  evaluateCase,
  planRun,
  type Step,
  type StepEvidence,
  type StepOutcome,
  summarize,
} from '@smartcity/lwm2m-conformance';
import { decode } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type Principal } from '@smartcity/platform-auth';
import { type Logger } from '@smartcity/platform-observability';
import { type ModelRegistry } from '@smartcity/ucifi-model';
import { categoryScope, tenantOf } from '../auth/permissions';
import { CommandInputError } from '../commands/command-encoding';
import { CommandsRepository, type CommandRow } from '../commands/commands.repository';
import { CommandsService } from '../commands/commands.service';
import { isUuid } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { type DeviceRow } from '../devices/device.rows';
import { DevicesRepository } from '../devices/devices.repository';
import { GatewayException } from '../errors/gateway.exception';
import { GATEWAY_LOGGER, MODEL_REGISTRY } from '../gateway.tokens';
import { isDeviceStep, plannerOf, resolveValue } from './conformance-steps';
import { type ConformanceRunRow, ConformanceRepository } from './conformance.repository';
import { RegistrationReader } from './registration-reader';

/** Deadline of one step's command (s): a queue-mode device may sleep until its next uplink. */
const STEP_DEADLINE_S = 120;
const POLL_MS = 150;
/** A RUNNING run older than this was left by a gateway that died (runs take minutes, queue-mode ones longer). */
const STALE_RUN_S = 6 * 3600;
const LAMP_CONTROLLER = 3416;

/**
 * Conformance runs (issue 23): plans the catalogue of libs/lwm2m/conformance for one connected device from its
 * live registration, executes each step as a device command (the same path as the device-management mutations:
 * commands table, lwm2m.downlink.v1, the owning ingest), records the request, the device's answer and the timing
 * of every step, evaluates each case and stores the run as it progresses. A run proceeds in the background; the
 * mutation returns it RUNNING.
 */
@Injectable()
export class ConformanceService implements OnApplicationShutdown {
  private readonly active = new Map<string, Promise<void>>();
  private readonly logger: Logger;
  private stopping = false;

  constructor(
    private readonly db: TenantDb,
    private readonly devices: DevicesRepository,
    private readonly repository: ConformanceRepository,
    private readonly commands: CommandsService,
    private readonly commandRows: CommandsRepository,
    private readonly registrations: RegistrationReader,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
    @Inject(GATEWAY_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'ConformanceService' });
  }

  async start(
    principal: Principal,
    deviceId: string,
    options: { fullSuite: boolean; confirmLighting: boolean },
  ): Promise<ConformanceRunRow> {
    const tenant = tenantOf(principal);
    if (!isUuid(deviceId)) throw GatewayException.notFound('device');
    const [device] = await this.db.inTenant(tenant, (tx) => this.devices.findByIds(tx, [deviceId]));
    const scope = categoryScope(principal);
    if (!device || (scope !== null && !(device.category !== null && scope.includes(device.category)))) {
      throw GatewayException.notFound('device');
    }
    if (device.decommissionedAt) throw GatewayException.badInput('the device is decommissioned', 'deviceId');
    const registration = await this.registrations.get(device.endpoint);
    if (!registration || registration.tenant !== tenant) {
      throw GatewayException.badInput(
        'the device has no live registration: a conformance run needs a connected device',
        'deviceId',
      );
    }
    let dut: DeviceUnderTest;
    try {
      dut = deviceUnderTest(registration, (versions) => this.models.providerFor(versions));
    } catch (err) {
      throw GatewayException.badInput(
        `the registration cannot be read: ${(err as Error).message}`,
        'deviceId',
      );
    }
    // Production use of lamps (issue 23 "never on a device in a lighting program without confirmation"): a lamp
    // controller assigned to a lighting program (lighting_assignments) runs only when the caller confirms; any
    // lamp controller (uCIFI 3416, or the lighting category) needs it for the full suite, which may reboot or
    // reconfigure it.
    const program = await this.db.inTenant(tenant, (tx) => this.repository.lightingProgramOf(tx, device.id));
    if (program !== null && !options.confirmLighting) {
      throw GatewayException.badInput(
        `the device runs the lighting program "${program}": confirm with confirmLighting: true`,
        'confirmLighting',
      );
    }
    const lighting = device.category === 'lighting' || dut.objects.some((o) => o.id === LAMP_CONTROLLER);
    if (options.fullSuite && lighting && !options.confirmLighting) {
      throw GatewayException.badInput(
        'the device is a lamp controller: the full suite may reboot or reconfigure it; confirm with confirmLighting: true',
        'confirmLighting',
      );
    }
    const row = await this.db
      .inTenant(tenant, async (tx) => {
        await this.repository.abandonStale(tx, device.id, STALE_RUN_S);
        return this.repository.insert(tx, {
          tenant,
          deviceId: device.id,
          endpoint: device.endpoint,
          fullSuite: options.fullSuite,
          startedBy: principal.username,
          lwm2mVersion: dut.lwm2mVersion,
          objects: dut.objects.map((o) => `${o.id} v${o.version}`).join(', '),
        });
      })
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === '23505') {
          throw GatewayException.badInput('a conformance run of this device is in progress', 'deviceId');
        }
        throw err;
      });
    const job = this.execute(principal, row, device, dut, options.fullSuite)
      .catch((err: unknown) => {
        this.logger.error({ err, run: row.id }, 'conformance run failed');
        return this.save(tenant, row.id, {
          status: 'FAILED',
          error: (err as Error).message.slice(0, 2000),
          cases: [],
          finished: true,
        }).catch(() => undefined);
      })
      .finally(() => this.active.delete(row.id));
    this.active.set(row.id, job);
    return row;
  }

  /** Waits for a run this replica executes (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.active.get(id);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.active.values()]);
  }

  private async execute(
    principal: Principal,
    run: ConformanceRunRow,
    device: DeviceRow,
    dut: DeviceUnderTest,
    fullSuite: boolean,
  ): Promise<void> {
    const tenant = run.tenantId;
    const results: CaseResult[] = [];
    let identity: { vendor: string | null; model: string | null; firmware: string | null } = {
      vendor: null,
      model: null,
      firmware: null,
    };
    for (const planned of planRun(dut, { fullSuite })) {
      const description = describeCase(planned.case);
      if (this.stopping) {
        results.push({
          ...description,
          verdict: 'SKIPPED',
          message: 'the gateway stopped during the run',
          steps: [],
        });
        continue;
      }
      if (planned.kind !== 'run') {
        const verdict = planned.kind === 'skipped' ? 'SKIPPED' : 'NOT_APPLICABLE';
        results.push({ ...description, verdict, message: planned.reason, steps: [] });
        continue;
      }
      const outcomes: StepOutcome[] = [];
      for (const step of planned.steps) {
        outcomes.push(await this.runStep(principal, device, dut, planned.case.id, step, outcomes));
      }
      const verdict = evaluateCase(planned.case, outcomes, dut);
      results.push({ ...description, ...verdict, steps: outcomes.map(evidence) });
      if (planned.case.id === '201') identity = identityOf(outcomes[0], dut);
      await this.save(tenant, run.id, { status: 'RUNNING', cases: results, finished: false, ...identity });
    }
    await this.save(tenant, run.id, {
      status: this.stopping ? 'FAILED' : 'COMPLETED',
      cases: results,
      finished: true,
      ...identity,
      ...(this.stopping ? { error: 'the gateway stopped during the run' } : {}),
    });
  }

  private save(
    tenant: string,
    id: string,
    p: {
      status: 'RUNNING' | 'COMPLETED' | 'FAILED';
      cases: readonly CaseResult[];
      finished: boolean;
      vendor?: string | null;
      model?: string | null;
      firmware?: string | null;
      error?: string;
    },
  ): Promise<void> {
    const s = summarize(p.cases);
    return this.db.inTenant(tenant, (tx) =>
      this.repository.progress(tx, id, {
        status: p.status,
        vendor: p.vendor ?? null,
        model: p.model ?? null,
        firmware: p.firmware ?? null,
        cases: p.cases,
        passed: s.passed,
        failed: s.failed,
        notApplicable: s.notApplicable,
        skipped: s.skipped,
        error: p.error ?? null,
        finished: p.finished,
      }),
    );
  }

  /** Executes one step and records what happened; a step never throws (a failure is its outcome). */
  private async runStep(
    principal: Principal,
    device: DeviceRow,
    dut: DeviceUnderTest,
    caseId: string,
    step: Step,
    previous: readonly StepOutcome[],
  ): Promise<StepOutcome> {
    const startedAt = Date.now();
    const base = { title: step.title, startedAt };
    const request = step.request;
    if (step.onlyIf) {
      const prior = previous[step.onlyIf.step];
      if (!(prior?.status === 'completed' && prior.coapCode === step.onlyIf.code)) {
        return {
          ...base,
          request: { ...request },
          status: 'not-sent',
          coapCode: null,
          contentFormat: null,
          payload: null,
          error: `not sent: step ${step.onlyIf.step + 1} answered ${prior?.coapCode ?? prior?.status ?? 'nothing'}, not ${step.onlyIf.code}`,
          durationMs: 0,
        };
      }
    }
    if (request.op === 'registration') {
      const r = await this.registrations.get(device.endpoint);
      return {
        ...base,
        request: { op: 'registration' },
        status: r ? 'completed' : 'not-registered',
        coapCode: null,
        contentFormat: null,
        payload: r ? Buffer.from(JSON.stringify(registrationView(r))) : null,
        error: null,
        durationMs: Date.now() - startedAt,
      };
    }
    if (request.op === 'await-registration') {
      const since = previous[request.afterStep]?.startedAt ?? startedAt;
      const until = startedAt + request.timeoutMs;
      for (;;) {
        const r = await this.registrations.get(device.endpoint);
        const seen = r && (request.kind === 'update' ? r.updatedAt > since : r.registeredAt > since);
        if (seen || Date.now() > until || this.stopping) {
          return {
            ...base,
            request: { ...request },
            status: seen ? 'completed' : 'timeout',
            coapCode: null,
            contentFormat: null,
            payload: r ? Buffer.from(JSON.stringify(registrationView(r))) : null,
            error: seen
              ? null
              : `no ${request.kind === 'update' ? 'Update' : 'Register'} within ${request.timeoutMs} ms`,
            durationMs: Date.now() - startedAt,
          };
        }
        await sleep(250);
      }
    }
    if (request.op === 'await-notifications') {
      const since = previous[request.afterStep]?.startedAt ?? startedAt;
      const until = since + request.durationMs;
      while (Date.now() < until && !this.stopping) await sleep(Math.min(500, until - Date.now()));
      // The decoder writes in batches: give the last notification time to land.
      await sleep(1500);
      const times = await this.db.inTenant(device.tenantId, (tx) =>
        this.repository.notificationTimes(tx, device.id, request.path, new Date(since)),
      );
      return {
        ...base,
        request: { ...request },
        status: 'completed',
        coapCode: null,
        contentFormat: null,
        payload: Buffer.from(JSON.stringify(times.filter((t) => t <= until))),
        error: null,
        durationMs: Date.now() - startedAt,
      };
    }
    if (!isDeviceStep(request)) throw new Error('unreachable');
    const notSent = (error: string): StepOutcome => ({
      ...base,
      request: { ...request },
      status: 'not-sent',
      coapCode: null,
      contentFormat: null,
      payload: null,
      error,
      durationMs: Date.now() - startedAt,
    });
    let commandId: string;
    let sentRequest: Record<string, unknown>;
    try {
      const planner = plannerOf(caseId, request, (v, target) =>
        resolveValue(v, target, previous, dut.models),
      );
      const command = await this.commands.issueOne(principal, device.id, planner, {
        deadlineSeconds: STEP_DEADLINE_S,
      });
      commandId = command.id;
      sentRequest = { ...(command.request['operation'] as Record<string, unknown>), commandId: command.id };
    } catch (err) {
      if (err instanceof CommandInputError || err instanceof GatewayException) return notSent(err.message);
      if (err instanceof Error && err.name === 'Lwm2mCodecError') return notSent(err.message);
      throw err;
    }
    const row = await this.waitForOutcome(
      device.tenantId,
      commandId,
      startedAt + (STEP_DEADLINE_S + 30) * 1000,
    );
    const status = !row
      ? 'timeout'
      : row.coapCode
        ? 'completed'
        : row.status === 'TIMEOUT'
          ? 'timeout'
          : row.status === 'EXPIRED'
            ? 'expired'
            : 'failed';
    const sent = row?.sentAt ? new Date(row.sentAt).getTime() : null;
    const done = row?.completedAt ? new Date(row.completedAt).getTime() : Date.now();
    return {
      ...base,
      request: sentRequest,
      status,
      coapCode: row?.coapCode ?? null,
      contentFormat: row?.result?.contentFormat ?? null,
      payload: row?.result?.payload ? Buffer.from(row.result.payload, 'base64') : null,
      error: row ? row.error : 'no outcome before the step deadline',
      // The device's round trip as the ingest measured it (sent -> answered), else the whole wait.
      durationMs: Math.max(0, done - (sent ?? startedAt)),
    };
  }

  private async waitForOutcome(tenant: string, id: string, until: number): Promise<CommandRow | null> {
    for (;;) {
      const [row] = await this.db.inTenant(tenant, (tx) => this.commandRows.findByIds(tx, [id]));
      if (row && row.status !== 'PENDING' && row.status !== 'SENT') return row;
      if (Date.now() > until || this.stopping) return row ?? null;
      await sleep(POLL_MS);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function registrationView(r: {
  endpoint: string;
  lwm2mVersion: string;
  lifetime: number;
  binding: string;
  queueMode: boolean;
  links: string;
  registeredAt: number;
  updatedAt: number;
}): Record<string, unknown> {
  return {
    endpoint: r.endpoint,
    lwm2mVersion: r.lwm2mVersion,
    lifetime: r.lifetime,
    binding: r.binding,
    queueMode: r.queueMode,
    links: r.links,
    registeredAt: new Date(r.registeredAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

function evidence(o: StepOutcome): StepEvidence {
  return {
    title: o.title,
    request: o.request,
    status: o.status,
    coapCode: o.coapCode,
    contentFormat: o.contentFormat,
    payload: o.payload ? Buffer.from(o.payload).toString('base64') : null,
    error: o.error,
    startedAt: new Date(o.startedAt).toISOString(),
    durationMs: o.durationMs,
  };
}

/** Manufacturer, Model Number and Firmware Version (/3/0/0, 1, 3; Core 1.1.1 §E.4) from the Read of /3/0. */
function identityOf(
  o: StepOutcome | undefined,
  dut: DeviceUnderTest,
): { vendor: string | null; model: string | null; firmware: string | null } {
  const none = { vendor: null, model: null, firmware: null };
  if (!o || o.coapCode !== '2.05' || o.contentFormat === null || !o.payload) return none;
  try {
    const records = decode(o.payload, o.contentFormat, { path: Lwm2mPath.parse('/3/0'), models: dut.models });
    const text = (id: number) => {
      const v = records.find((r) => r.path.resourceId === id && r.path.instanceId === 0)?.value;
      return typeof v === 'string' ? v.slice(0, 200) : null;
    };
    return { vendor: text(0), model: text(1), firmware: text(3) };
  } catch {
    return none;
  }
}
