import { type ObjectTree } from '@smartcity/lwm2m-client';
import { Lwm2mPath } from '@smartcity/lwm2m-core';

export type SimpleValue = number | boolean | string;

/**
 * Writes simulated values into a device's object tree by "/object/instance/resource" text, converting numbers to
 * the resource's declared type and skipping resources the device's object version does not have, so one behaviour
 * serves every vendor profile.
 */
export class DeviceValues {
  private readonly exact = new Map<string, number>();

  private readonly paths = new Map<string, Lwm2mPath>();

  constructor(readonly tree: ObjectTree) {}

  path(text: string): Lwm2mPath {
    let path = this.paths.get(text);
    if (!path) {
      path = Lwm2mPath.parse(text);
      this.paths.set(text, path);
    }
    return path;
  }

  has(text: string): boolean {
    const path = this.path(text);
    return !!this.tree.getObjectModel(path.objectId as number)?.resources.has(path.resourceId as number);
  }

  /** The unit the device's model declares for a resource ("Wh", "kWh"...). */
  units(text: string): string | undefined {
    const path = this.path(text);
    return this.tree.getObjectModel(path.objectId as number)?.resources.get(path.resourceId as number)?.units;
  }

  /**
   * Adds to a cumulative resource (meters, counters, operating hours) and returns the exact new total. The exact
   * total is kept apart from the reported value, which is rounded: otherwise increments smaller than the reported
   * precision (a few litres per tick) would be rounded away at every tick and the meter would never advance.
   */
  add(text: string, delta: number): number {
    const next = (this.exact.get(text) ?? this.num(text)) + delta;
    this.put(text, next);
    this.exact.set(text, next);
    return next;
  }

  put(text: string, value: SimpleValue): void {
    this.exact.delete(text);
    const path = this.path(text);
    const model = this.tree.getObjectModel(path.objectId as number)?.resources.get(path.resourceId as number);
    if (!model || !this.tree.has(new Lwm2mPath(path.objectId, path.instanceId))) return;
    let typed: SimpleValue = value;
    if (typeof value === 'number') {
      switch (model.type) {
        case 'integer':
        case 'unsigned':
          typed = Math.round(value);
          break;
        case 'time':
          typed = Math.floor(value);
          break;
        case 'string':
          typed = String(value);
          break;
        case 'boolean':
          typed = value !== 0;
          break;
        default:
          typed = round(value);
      }
    }
    this.tree.set(path, typed);
  }

  num(text: string): number {
    const v = this.tree.get(this.path(text));
    return typeof v === 'number' ? v : 0;
  }

  bool(text: string): boolean {
    return this.tree.get(this.path(text)) === true;
  }
}

/** Three decimals: enough for meters, and notifications do not fire on float noise. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
