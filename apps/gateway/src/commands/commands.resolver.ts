import {
  Args,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { Inject } from '@nestjs/common';
import { type ModelRegistry, objectVersionsFromRecord } from '@smartcity/ucifi-model';
import { CurrentPrincipal, RequestContext } from '../auth/current-principal.decorator';
import { Permission, tenantOf } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { assertSameTenant } from '../auth/tenant-guard';
import { isUuid } from '../common/cursor';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayException } from '../errors/gateway.exception';
import { MODEL_REGISTRY } from '../gateway.tokens';
import { type GatewayContext } from '../graphql/gateway-context';
import { CommandEventsHub } from './command-events.hub';
import { CommandInputError, decodeValues, parsePath } from './command-encoding';
import { toCommand } from './command.mapping';
import {
  BulkCommandResult,
  Command,
  CommandFilter,
  CommandOptions,
  DeviceTargets,
  NotificationAttributesInput,
  PathValueInput,
  ResourceValue,
} from './command.models';
import * as plans from './command-planners';
import { CommandsRepository } from './commands.repository';
import { type CommandPlanner, CommandsService } from './commands.service';
import { JsonScalar } from '../common/json.scalar';

const LINK_FORMAT = 40;
const TEXT = 0;

/**
 * Device management through GraphQL (issue 9). Every mutation creates commands (PENDING) and returns at once; the
 * outcome arrives later: query `command(id)` / `commands(filter)` or subscribe to `commandUpdated`.
 */
@Resolver(() => Command)
export class CommandsResolver {
  constructor(
    private readonly commands: CommandsService,
    private readonly repository: CommandsRepository,
    private readonly db: TenantDb,
    private readonly hub: CommandEventsHub,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
  ) {}

  private one(
    principal: Principal,
    deviceId: string,
    plan: () => CommandPlanner,
    options: CommandOptions | null,
  ): Promise<Command> {
    return this.commands.issueOne(principal, deviceId, inputErrors(plan), options);
  }

  @Mutation(() => Command, { description: 'Read (Core 1.1.1 §6.3.1) an object, instance or resource.' })
  @Requires(Permission.IssueCommands)
  readResource(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.readPlan(path), options);
  }

  @Mutation(() => Command, {
    description:
      'Write (Core 1.1.1 §6.3.3): a scalar for a resource, {resourceId: value} for an instance. ' +
      'partial = partial update of an instance (POST); otherwise replace (PUT).',
  })
  @Requires(Permission.IssueCommands)
  writeResource(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('value', { type: () => JsonScalar }) value: unknown,
    @Args('partial', { type: () => Boolean, nullable: true, defaultValue: false }) partial: boolean,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.writePlan(path, value, partial), options);
  }

  @Mutation(() => Command, { description: 'Execute (Core 1.1.1 §6.3.5) with optional arguments.' })
  @Requires(Permission.IssueCommands)
  executeResource(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('arguments', { type: () => String, nullable: true }) args: string | null,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.executePlan(path, args), options);
  }

  @Mutation(() => Command, { description: 'Write-Attributes (pmin, pmax, gt, lt, st, epmin, epmax).' })
  @Requires(Permission.IssueCommands)
  writeAttributes(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('attributes', { type: () => NotificationAttributesInput }) attributes: NotificationAttributesInput,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.writeAttributesPlan(path, attributes), options);
  }

  @Mutation(() => Command, { description: 'Observe (Core 1.1.1 §6.4.1); notifications flow as telemetry.' })
  @Requires(Permission.IssueCommands)
  observe(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.observePlan(path), options);
  }

  @Mutation(() => Command, { description: 'Cancel Observation (Core 1.1.1 §6.4.2).' })
  @Requires(Permission.IssueCommands)
  cancelObservation(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.cancelObservationPlan(path), options);
  }

  @Mutation(() => Command, {
    description: 'Discover (Core 1.1.1 §6.3.2): attributes and resources, link format.',
  })
  @Requires(Permission.IssueCommands)
  discover(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.discoverPlan(path), options);
  }

  @Mutation(() => Command, {
    description: 'Create (Core 1.1.1 §6.3.7) an object instance: {resourceId: value}.',
  })
  @Requires(Permission.IssueCommands)
  createInstance(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('objectId', { type: () => Int }) objectId: number,
    @Args('instanceId', { type: () => Int }) instanceId: number,
    @Args('values', { type: () => JsonScalar }) values: unknown,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.createPlan(objectId, instanceId, values), options);
  }

  @Mutation(() => Command, { description: 'Delete (Core 1.1.1 §6.3.8) an object instance.' })
  @Requires(Permission.IssueCommands)
  deleteInstance(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('path') path: string,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.deletePlan(path), options);
  }

  @Mutation(() => Command, { description: 'Read-Composite (LwM2M 1.1) of several paths.' })
  @Requires(Permission.IssueCommands)
  readComposite(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('paths', { type: () => [String] }) paths: string[],
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.readCompositePlan(paths), options);
  }

  @Mutation(() => Command, {
    description: 'Observe-Composite (LwM2M 1.1, Core 1.1.1 §6.4.1): several paths in one observation.',
  })
  @Requires(Permission.IssueCommands)
  observeComposite(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('paths', { type: () => [String] }) paths: string[],
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.observeCompositePlan(paths), options);
  }

  @Mutation(() => Command, {
    description: 'Cancel Observe-Composite (Core 1.1.1 §6.4.3), with the same paths.',
  })
  @Requires(Permission.IssueCommands)
  cancelObserveComposite(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('paths', { type: () => [String] }) paths: string[],
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.cancelObserveCompositePlan(paths), options);
  }

  @Mutation(() => Command, { description: 'Write-Composite (LwM2M 1.1): one value per resource path.' })
  @Requires(Permission.IssueCommands)
  writeComposite(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('values', { type: () => [PathValueInput] }) values: PathValueInput[],
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<Command> {
    return this.one(p, deviceId, () => plans.writeCompositePlan(values), options);
  }

  @Mutation(() => BulkCommandResult, {
    description: 'Sets the dimming level (0-100 %) of lamp controllers (uCIFI 3416 command resource).',
  })
  @Requires(Permission.IssueCommands)
  setLampLevel(
    @CurrentPrincipal() p: Principal,
    @Args('devices', { type: () => DeviceTargets }) devices: DeviceTargets,
    @Args('level', { type: () => Int }) level: number,
    @Args('instanceId', { type: () => Int, nullable: true, defaultValue: 0 }) instanceId: number,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<BulkCommandResult> {
    const plan = inputErrors(() => plans.lampLevelPlan('setLampLevel', level, instanceId));
    return this.commands.issue(p, devices, plan, options);
  }

  @Mutation(() => BulkCommandResult, { description: 'Switches lamps on (100 %) or off (0 %).' })
  @Requires(Permission.IssueCommands)
  switchLamps(
    @CurrentPrincipal() p: Principal,
    @Args('devices', { type: () => DeviceTargets }) devices: DeviceTargets,
    @Args('on', { type: () => Boolean }) on: boolean,
    @Args('instanceId', { type: () => Int, nullable: true, defaultValue: 0 }) instanceId: number,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<BulkCommandResult> {
    const plan = inputErrors(() => plans.lampLevelPlan('switchLamps', on ? 100 : 0, instanceId));
    return this.commands.issue(p, devices, plan, options);
  }

  @Mutation(() => BulkCommandResult, {
    description: 'Reads the meter objects (electricity, gas, water) now.',
  })
  @Requires(Permission.IssueCommands)
  readMeters(
    @CurrentPrincipal() p: Principal,
    @Args('devices', { type: () => DeviceTargets }) devices: DeviceTargets,
    @Args('options', { type: () => CommandOptions, nullable: true }) options: CommandOptions | null,
  ): Promise<BulkCommandResult> {
    return this.commands.issue(p, devices, plans.readMetersPlan, options);
  }

  @Query(() => Command, { nullable: true, description: 'A command of the tenant.' })
  @Requires(Permission.ReadCommands)
  async command(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Command | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.inTenant(tenantOf(p), (tx) => this.repository.findByIds(tx, [id]));
    return row ? toCommand(row) : null;
  }

  @Query(() => [Command], {
    name: 'commands',
    description: 'Latest commands first, by device, batch or status.',
  })
  @Requires(Permission.ReadCommands)
  async listCommands(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => CommandFilter, nullable: true }) filter: CommandFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number,
  ): Promise<Command[]> {
    for (const [name, v] of [
      ['deviceId', filter?.deviceId],
      ['batchId', filter?.batchId],
    ] as const) {
      if (v && !isUuid(v)) throw GatewayException.badInput(`invalid ${name}`, `filter.${name}`);
    }
    const rows = await this.db.inTenant(tenantOf(p), (tx) =>
      this.repository.list(tx, { ...filter, limit: Math.min(Math.max(first, 1), 1000) }),
    );
    return rows.map(toCommand);
  }

  @Subscription(() => Command, {
    description: "Status changes of the tenant's commands (one device or one batch when given).",
    resolve: (payload: Command) => payload,
  })
  @Requires(Permission.ReadCommands)
  commandUpdated(
    @CurrentPrincipal() p: Principal,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('batchId', { type: () => ID, nullable: true }) batchId: string | null,
  ): Promise<AsyncIterableIterator<Command>> {
    return this.hub.subscribe(tenantOf(p), (row) => {
      if (p.expiresAt * 1000 <= Date.now()) return undefined;
      // Absent arguments arrive as undefined, explicit nulls as null: both mean "any".
      if (deviceId != null && row.deviceId !== deviceId) return undefined;
      if (batchId != null && row.batchId !== batchId) return undefined;
      return toCommand(row);
    });
  }

  @ResolveField(() => [ResourceValue], { nullable: true })
  @Requires(Permission.ReadCommands)
  async values(
    @RequestContext() ctx: GatewayContext,
    @Parent() command: Command,
  ): Promise<ResourceValue[] | null> {
    assertSameTenant(ctx, command.tenantId);
    const result = command.result;
    const op = command.request['operation'] as { op?: string; path?: string } | undefined;
    if (command.status !== 'SUCCEEDED' || !result?.payload || result.contentFormat === undefined) return null;
    if (result.contentFormat === LINK_FORMAT) return null;
    const device = await ctx.loaders.devices.load(command.deviceId);
    const models = this.models.providerFor(objectVersionsFromRecord(device?.objectVersions ?? {}));
    try {
      return decodeValues(result.payload, result.contentFormat, parsePath(op?.path ?? '/', 0, 4), models);
    } catch {
      return null;
    }
  }

  @ResolveField(() => String, { nullable: true })
  @Requires(Permission.ReadCommands)
  responseText(@RequestContext() ctx: GatewayContext, @Parent() command: Command): string | null {
    assertSameTenant(ctx, command.tenantId);
    const result = command.result;
    if (!result?.payload) return null;
    if (result.contentFormat !== LINK_FORMAT && result.contentFormat !== TEXT) return null;
    return Buffer.from(result.payload, 'base64').toString('utf8');
  }
}

/** Input errors raised while building a plan become BAD_USER_INPUT before anything is stored. */
function inputErrors(build: () => CommandPlanner): CommandPlanner {
  let plan: CommandPlanner;
  try {
    plan = build();
  } catch (err) {
    if (err instanceof CommandInputError) throw GatewayException.badInput(err.message);
    throw err;
  }
  return plan;
}
