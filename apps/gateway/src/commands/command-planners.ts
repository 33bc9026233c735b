import { type DownlinkAnyOperation } from '@smartcity/platform-contracts';
import { type ModelProvider } from '@smartcity/lwm2m-core';
import {
  OUTDOOR_LAMP_CONTROLLER_OBJECT_ID,
  OutdoorLampControllerResource,
  OBJECT_IDS,
} from '@smartcity/ucifi-model';
import { type DeviceRow } from '../devices/device.rows';
import { CommandInputError, encodeRecords, parsePath, toRecords, writeFormat } from './command-encoding';
import { type NotificationAttributesInput, type PathValueInput } from './command.models';
import { type CommandPlanner } from './commands.service';

const plain = (type: string, operation: DownlinkAnyOperation): CommandPlanner => {
  return () => ({ type, operation });
};

export function readPlan(path: string): CommandPlanner {
  return plain('read', { op: 'read', path: parsePath(path).toString() });
}

export function discoverPlan(path: string): CommandPlanner {
  return plain('discover', { op: 'discover', path: parsePath(path, 1, 3).toString() });
}

/**
 * Write (Core 1.1.1 §6.3.3): replace = PUT, on an object instance or a resource; partial update = POST, only on an
 * object instance (a POST on a resource is an Execute).
 */
export function writePlan(path: string, value: unknown, partial: boolean): CommandPlanner {
  const base = parsePath(path, 2, 4);
  if (partial && base.depth !== 2) {
    throw new CommandInputError('a partial update targets an object instance (/object/instance)');
  }
  return (device: DeviceRow, models: ModelProvider) => {
    const contentFormat = writeFormat(device.lwm2mVersion);
    const payload = encodeRecords(toRecords(models, base, value), contentFormat, base, models);
    return {
      type: 'write',
      operation: { op: 'write', path: base.toString(), replace: !partial, contentFormat, payload },
    };
  };
}

export function executePlan(path: string, args: string | null | undefined): CommandPlanner {
  const base = parsePath(path, 3, 3);
  return plain('execute', {
    op: 'execute',
    path: base.toString(),
    ...(args ? { arguments: args } : {}),
  });
}

/** Write-Attributes (Core 1.1.1 §5.1.2, §6.3.11): only the given attributes; null clears one. */
export function writeAttributesPlan(path: string, attributes: NotificationAttributesInput): CommandPlanner {
  const base = parsePath(path, 1, 4);
  const attrs: Record<string, number | null> = {};
  for (const name of ['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax'] as const) {
    const v = attributes[name];
    if (v !== undefined) attrs[name] = v;
  }
  if (Object.keys(attrs).length === 0) throw new CommandInputError('give at least one attribute');
  for (const n of ['pmin', 'pmax', 'epmin', 'epmax', 'st'] as const) {
    const v = attrs[n];
    if (typeof v === 'number' && v < 0) throw new CommandInputError(`${n} must not be negative`);
  }
  return plain('write-attributes', { op: 'write-attributes', path: base.toString(), attributes: attrs });
}

export function observePlan(path: string): CommandPlanner {
  return plain('observe', { op: 'observe', path: parsePath(path).toString() });
}

export function cancelObservationPlan(path: string): CommandPlanner {
  return plain('cancel-observation', { op: 'cancel-observation', path: parsePath(path).toString() });
}

/** Create (Core 1.1.1 §6.3.7): POST /object with the new instance (its id travels in the payload). */
export function createPlan(objectId: number, instanceId: number, values: unknown): CommandPlanner {
  const object = parsePath(`/${objectId}`, 1, 1);
  const base = parsePath(`/${objectId}/${instanceId}`, 2, 2);
  return (device, models) => {
    const contentFormat = writeFormat(device.lwm2mVersion);
    const records = toRecords(models, base, values);
    const payload = encodeRecords(records, contentFormat, object, models);
    return {
      type: 'create',
      operation: { op: 'create', path: object.toString(), contentFormat, payload },
    };
  };
}

export function deletePlan(path: string): CommandPlanner {
  return plain('delete', { op: 'delete', path: parsePath(path, 2, 2).toString() });
}

/** Read-Composite (LwM2M 1.1+ devices). */
export function readCompositePlan(paths: readonly string[]): CommandPlanner {
  if (paths.length === 0) throw new CommandInputError('give at least one path');
  const parsed = paths.map((p) => parsePath(p).toString());
  return (device) => {
    requireComposite(device);
    return { type: 'read-composite', operation: { op: 'read-composite', paths: parsed, accept: 110 } };
  };
}

/**
 * Observe-Composite (LwM2M 1.1+ devices, Core 1.1.1 §6.4.1): one observation of several paths; each notification
 * carries all of them (SenML CBOR) and lands as telemetry.
 */
export function observeCompositePlan(paths: readonly string[]): CommandPlanner {
  if (paths.length === 0) throw new CommandInputError('give at least one path');
  const parsed = paths.map((p) => parsePath(p).toString());
  return (device) => {
    requireComposite(device);
    return { type: 'observe-composite', operation: { op: 'observe-composite', paths: parsed, accept: 112 } };
  };
}

/** Cancel Observe-Composite (Core 1.1.1 §6.4.3): names the same paths as the observation. */
export function cancelObserveCompositePlan(paths: readonly string[]): CommandPlanner {
  if (paths.length === 0) throw new CommandInputError('give at least one path');
  const parsed = paths.map((p) => parsePath(p).toString());
  return (device) => {
    requireComposite(device);
    return { type: 'cancel-observe-composite', operation: { op: 'cancel-observe-composite', paths: parsed } };
  };
}

/** Write-Composite (LwM2M 1.1+ devices): SenML JSON records, each replacing one resource (instance). */
export function writeCompositePlan(values: readonly PathValueInput[]): CommandPlanner {
  if (values.length === 0) throw new CommandInputError('give at least one value');
  const bases = values.map((v) => ({ base: parsePath(v.path, 3, 4), value: v.value }));
  return (device, models) => {
    requireComposite(device);
    const records = bases.flatMap((b) => toRecords(models, b.base, b.value));
    const root = parsePath('/', 0, 0);
    const payload = encodeRecords(records, 110, root, models);
    return { type: 'write-composite', operation: { op: 'write-composite', contentFormat: 110, payload } };
  };
}

/**
 * Outdoor lamp controller (uCIFI 3416) command resource: the requested dimming level in % (0 = off, 100 = full).
 * Resource 1 "Command" in every published version (1.0, 2.0, 3.0, see the generated constants); the device's own
 * version is checked through its model, and the value is written with PUT (replace) on the resource.
 */
export function lampLevelPlan(type: string, level: number, instanceId: number): CommandPlanner {
  if (!Number.isInteger(level) || level < 0 || level > 100) {
    throw new CommandInputError('level must be an integer from 0 to 100');
  }
  return (device, models) => {
    if (!(String(OUTDOOR_LAMP_CONTROLLER_OBJECT_ID) in (device.objectVersions ?? {}))) {
      throw new CommandInputError('not a lamp controller (no object 3416 registered)');
    }
    const path = `/${OUTDOOR_LAMP_CONTROLLER_OBJECT_ID}/${instanceId}/${OutdoorLampControllerResource.command}`;
    return { ...writePlan(path, level, false)(device, models), type };
  };
}

/** Meter objects read by readMeters: uCIFI electrical (3421, 3422), gas (3423) and water (3424) meters. */
export const METER_OBJECTS: readonly number[] = [
  OBJECT_IDS.singlePhaseElectricalMeter,
  OBJECT_IDS.threePhaseElectricalMeterComplement,
  OBJECT_IDS.gasMeter,
  OBJECT_IDS.waterMeter,
];

/** Reads every meter object of a device: one Read, or a Read-Composite when it has several (LwM2M 1.1+). */
export const readMetersPlan: CommandPlanner = (device) => {
  const meters = METER_OBJECTS.filter((id) => String(id) in (device.objectVersions ?? {}));
  if (meters.length === 0) throw new CommandInputError('not a meter (no meter object registered)');
  if (meters.length === 1 || device.lwm2mVersion === '1.0') {
    return { type: 'readMeters', operation: { op: 'read', path: `/${meters[0]}` } };
  }
  return {
    type: 'readMeters',
    operation: { op: 'read-composite', paths: meters.map((m) => `/${m}`), accept: 110 },
  };
};

function requireComposite(device: DeviceRow): void {
  if (device.lwm2mVersion === '1.0') {
    throw new CommandInputError('composite operations need an LwM2M 1.1 device');
  }
}
