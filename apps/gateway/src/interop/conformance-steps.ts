import { type StepOutcome, type StepRequest, type StepValue } from '@smartcity/lwm2m-conformance';
import { Lwm2mPath, type ModelProvider } from '@smartcity/lwm2m-core';
import { decode } from '@smartcity/lwm2m-codec';
import { type DownlinkAnyOperation } from '@smartcity/platform-contracts';
import { CommandInputError } from '../commands/command-encoding';
import * as plans from '../commands/command-planners';
import { type CommandPlanner } from '../commands/commands.service';

/** Step requests that are LwM2M operations on the device (the others are answered by the runner itself). */
export type DeviceStepRequest = Exclude<
  StepRequest,
  { op: 'registration' } | { op: 'await-registration' } | { op: 'await-notifications' }
>;

export function isDeviceStep(r: StepRequest): r is DeviceStepRequest {
  return r.op !== 'registration' && r.op !== 'await-registration' && r.op !== 'await-notifications';
}

const plain =
  (type: string, operation: DownlinkAnyOperation): CommandPlanner =>
  () => ({ type, operation });

/**
 * The command planner of one step: the same planners as the device-management mutations (so a Write is encoded
 * exactly as `writeResource` encodes it), plus Read/Observe with an Accept the mutations do not expose.
 * Values taken from an earlier step are resolved by `value`.
 */
export function plannerOf(
  caseId: string,
  request: DeviceStepRequest,
  value: (v: StepValue, target: string) => unknown,
): CommandPlanner {
  const type = `conformance:${caseId}`;
  const typed = (p: CommandPlanner): CommandPlanner => {
    return (device, models) => ({ ...p(device, models), type });
  };
  switch (request.op) {
    case 'read':
      return plain(type, {
        op: 'read',
        path: request.path,
        ...(request.accept !== undefined ? { accept: request.accept } : {}),
      });
    case 'observe':
      return plain(type, {
        op: 'observe',
        path: request.path,
        ...(request.accept !== undefined ? { accept: request.accept } : {}),
      });
    case 'read-composite':
      return plain(type, {
        op: 'read-composite',
        paths: [...request.paths],
        ...(request.accept !== undefined ? { accept: request.accept } : {}),
      });
    case 'observe-composite':
      return plain(type, {
        op: 'observe-composite',
        paths: [...request.paths],
        ...(request.accept !== undefined ? { accept: request.accept } : {}),
      });
    case 'discover':
      return typed(plans.discoverPlan(request.path));
    case 'write':
      return typed(plans.writePlan(request.path, value(request.value, request.path), request.partial));
    case 'write-attributes':
      return typed(plans.writeAttributesPlan(request.path, request.attributes));
    case 'execute':
      return typed(plans.executePlan(request.path, request.arguments));
    case 'create':
      return typed(plans.createPlan(request.objectId, request.instanceId, request.values));
    case 'delete':
      return typed(plans.deletePlan(request.path));
    case 'cancel-observation':
      return typed(plans.cancelObservationPlan(request.path));
    case 'write-composite':
      return typed(
        plans.writeCompositePlan(
          request.values.map((v) => ({ path: v.path, value: value(v.value, v.path) })),
        ),
      );
    case 'cancel-observe-composite':
      return typed(plans.cancelObserveCompositePlan(request.paths));
  }
}

/**
 * The value of a `{ fromStep, path }` reference: what that earlier Read returned at `path`, decoded with the
 * device's models; for a partial update of an instance, `{ resourceId: value }`.
 */
export function resolveValue(
  v: StepValue,
  target: string,
  outcomes: readonly StepOutcome[],
  models: ModelProvider,
): unknown {
  if ('literal' in v) return v.literal;
  const o = outcomes[v.fromStep];
  if (!o || o.status !== 'completed' || o.coapCode !== '2.05' || o.contentFormat === null || !o.payload) {
    throw new CommandInputError(`step ${v.fromStep + 1} read no value to write back`);
  }
  const readPath = String(o.request['path'] ?? v.path);
  const records = decode(o.payload, o.contentFormat, { path: Lwm2mPath.parse(readPath), models });
  const found = records.find((r) => r.path.toString() === v.path);
  if (!found) throw new CommandInputError(`step ${v.fromStep + 1} returned no value for ${v.path}`);
  const value = found.value;
  const t = Lwm2mPath.parse(target);
  return t.depth === 2 && found.path.resourceId !== undefined ? { [found.path.resourceId]: value } : value;
}
