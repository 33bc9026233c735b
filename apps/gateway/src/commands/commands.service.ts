import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { type DownlinkAnyOperation, type DownlinkRequest } from '@smartcity/platform-contracts';
import { type ModelProvider } from '@smartcity/lwm2m-core';
import { type Logger, SpanKind, type Tracing, withSpan } from '@smartcity/platform-observability';
import { type ModelRegistry, objectVersionsFromRecord } from '@smartcity/ucifi-model';
import { categoryScope, tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { type DeviceRow } from '../devices/device.rows';
import { DevicesRepository } from '../devices/devices.repository';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { GATEWAY_LOGGER, MODEL_REGISTRY, TRACING } from '../gateway.tokens';
import { CommandPublisher } from './command-publisher';
import { CommandInputError } from './command-encoding';
import { toCommand } from './command.mapping';
import {
  type BulkCommandResult,
  type CommandOptions,
  type Command,
  type CommandRefusal,
  type DeviceTargets,
} from './command.models';
import { type CommandsConfig } from './commands.config';
import { type NewCommand, CommandsRepository } from './commands.repository';
import { COMMANDS_CONFIG } from './commands.tokens';

/** What a command does to one device: the LwM2M operation and the name it is listed under. */
export interface PlannedCommand {
  readonly type: string;
  readonly operation: DownlinkAnyOperation;
}

/** Builds the operation for one device, with the models of the object versions it announced. */
export type CommandPlanner = (device: DeviceRow, models: ModelProvider) => PlannedCommand;

/**
 * Issues device commands: resolves the target devices inside the caller's tenant (row-level security: a device of
 * another tenant is not found), plans one operation per device, stores the commands (PENDING, idempotency key,
 * issuer) and publishes them on `lwm2m.downlink.v1` after the commit. The ingest that owns each endpoint runs them.
 */
@Injectable()
export class CommandsService {
  private readonly logger: Logger;

  constructor(
    private readonly db: TenantDb,
    private readonly devices: DevicesRepository,
    private readonly repository: CommandsRepository,
    private readonly publisher: CommandPublisher,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
    @Inject(COMMANDS_CONFIG) private readonly config: CommandsConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {
    this.logger = logger.child({ context: 'CommandsService' });
  }

  /** One device: input errors and unknown devices are GraphQL errors. */
  async issueOne(
    principal: Principal,
    deviceId: string,
    plan: CommandPlanner,
    options: CommandOptions | null | undefined,
  ): Promise<Command> {
    const result = await this.issue(principal, { deviceIds: [deviceId] }, plan, options, false);
    const command = result.commands[0];
    if (command) return command;
    const reason = result.refused[0]?.reason ?? 'refused';
    if (reason === NOT_IN_TENANT) throw GatewayException.notFound('device');
    throw GatewayException.badInput(reason);
  }

  /**
   * Several devices: each refused device is reported, the others get their command. Traced, the command mutation is
   * a span (the root of the command's trace: the trace then goes through the downlink headers to the ingest, the
   * device and back in the result headers); tracing off, just the call.
   */
  issue(
    principal: Principal,
    targets: DeviceTargets,
    plan: CommandPlanner,
    options: CommandOptions | null | undefined,
    bulk = true,
  ): Promise<BulkCommandResult> {
    if (!this.tracing.enabled) return this.issueUntraced(principal, targets, plan, options, bulk);
    return withSpan(
      this.tracing,
      bulk ? 'GraphQL mutation bulk command' : 'GraphQL mutation command',
      {
        kind: SpanKind.SERVER,
        attributes: { 'graphql.operation.type': 'mutation', 'smartcity.tenant': tenantOf(principal) },
      },
      async (span) => {
        const result = await this.issueUntraced(principal, targets, plan, options, bulk);
        span?.setAttributes({
          'smartcity.commands': result.commands.length,
          'smartcity.commands.refused': result.refused.length,
          ...(result.commands.length === 1
            ? {
                'smartcity.command.id': result.commands[0]!.id,
                'smartcity.command.type': result.commands[0]!.type,
              }
            : {}),
        });
        return result;
      },
    );
  }

  private async issueUntraced(
    principal: Principal,
    targets: DeviceTargets,
    plan: CommandPlanner,
    options: CommandOptions | null | undefined,
    bulk: boolean,
  ): Promise<BulkCommandResult> {
    const tenant = tenantOf(principal);
    const deadlineS = options?.deadlineSeconds ?? this.config.COMMANDS_DEFAULT_DEADLINE_S;
    if (deadlineS < 1 || deadlineS > this.config.COMMANDS_MAX_DEADLINE_S) {
      throw GatewayException.badInput(
        `deadlineSeconds must be within 1..${this.config.COMMANDS_MAX_DEADLINE_S}`,
        'options.deadlineSeconds',
      );
    }
    const key = options?.idempotencyKey ?? null;
    if (key !== null && (key.length < 1 || key.length > 150)) {
      throw GatewayException.badInput(
        'idempotencyKey must have 1 to 150 characters',
        'options.idempotencyKey',
      );
    }
    const batchId = bulk ? randomUUID() : null;
    const now = Date.now();
    const deadline = new Date(now + deadlineS * 1000);
    const refused: CommandRefusal[] = [];
    const planned: { device: DeviceRow; command: NewCommand; operation: DownlinkAnyOperation }[] = [];

    const stored = await this.db.inTenant(tenant, async (tx) => {
      for (const device of await this.resolveTargets(tx, principal, targets, refused)) {
        if (device.decommissionedAt) {
          refused.push({ deviceId: device.id, reason: 'the device is decommissioned' });
          continue;
        }
        let p: PlannedCommand;
        try {
          p = plan(device, this.models.providerFor(objectVersionsFromRecord(device.objectVersions ?? {})));
        } catch (err) {
          if (!(err instanceof CommandInputError)) throw err;
          refused.push({ deviceId: device.id, reason: err.message });
          continue;
        }
        planned.push({
          device,
          operation: p.operation,
          command: {
            id: randomUUID(),
            deviceId: device.id,
            idempotencyKey: key === null ? null : bulk ? `${key}/${device.id}` : key,
            type: p.type,
            request: { endpoint: device.endpoint, operation: p.operation },
            issuedBy: principal.username,
            deadline,
            batchId,
          },
        });
      }
      return this.repository.insert(
        tx,
        tenant,
        planned.map((p) => p.command),
      );
    });

    const created = new Set(stored.filter((s) => s.created).map((s) => s.row.id));
    const requests: DownlinkRequest[] = planned
      .filter((p) => created.has(p.command.id))
      .map((p) => ({
        v: 1,
        id: p.command.id,
        tenant,
        endpoint: p.device.endpoint,
        operation: p.operation,
        issuedAt: now,
        deadline: deadline.getTime(),
      }));
    if (requests.length > 0) {
      try {
        await this.publisher.send(requests);
      } catch (err) {
        this.logger.error({ err, tenant, commands: requests.length }, 'commands not published');
        await this.db
          .inTenant(tenant, (tx) =>
            this.repository.applyUpdates(
              tx,
              requests.map((r) => ({
                id: r.id,
                status: 'FAILED',
                coapCode: null,
                result: null,
                error: 'the command could not be routed (message bus unavailable)',
                at: new Date(),
              })),
            ),
          )
          .catch(() => undefined);
        throw new GatewayException(
          GatewayErrorCode.ServiceUnavailable,
          'commands could not be routed; retry with the same idempotency key',
        );
      }
    }
    return {
      batchId: batchId ?? stored[0]?.row.id ?? randomUUID(),
      commands: stored.map((s) => toCommand(s.row)),
      refused,
    };
  }

  private async resolveTargets(
    tx: Parameters<Parameters<TenantDb['inTenant']>[1]>[0],
    principal: Principal,
    targets: DeviceTargets,
    refused: CommandRefusal[],
  ): Promise<DeviceRow[]> {
    const ids = targets.deviceIds ?? null;
    const filter = targets.filter ?? null;
    if ((ids === null) === (filter === null)) {
      throw GatewayException.badInput('give either deviceIds or filter', 'targets');
    }
    const max = this.config.COMMANDS_MAX_BULK;
    if (ids !== null) {
      const unique = [...new Set(ids)];
      if (unique.length === 0 || unique.length > max) {
        throw GatewayException.badInput(`between 1 and ${max} devices per command`, 'targets.deviceIds');
      }
      const valid = unique.filter(isUuid);
      for (const id of unique) if (!isUuid(id)) refused.push({ deviceId: id, reason: NOT_IN_TENANT });
      const rows = await this.devices.findByIds(tx, valid);
      const found = new Set(rows.map((r) => r.id));
      for (const id of valid) if (!found.has(id)) refused.push({ deviceId: id, reason: NOT_IN_TENANT });
      const scope = categoryScope(principal);
      return rows.filter((r) => {
        if (scope === null || (r.category !== null && scope.includes(r.category))) return true;
        refused.push({ deviceId: r.id, reason: NOT_IN_TENANT });
        return false;
      });
    }
    const rows = await this.devices.list(tx, {
      ...filter,
      categories: categoryScope(principal),
      limit: max + 1,
    });
    if (rows.length > max) {
      throw GatewayException.badInput(`the filter matches more than ${max} devices`, 'targets.filter');
    }
    return rows;
  }
}

export const NOT_IN_TENANT = 'no such device in this tenant';
