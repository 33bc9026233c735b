import {
  type DataType,
  type DataTypeValueMap,
  Lwm2mCodecError,
  type Lwm2mPath,
  type Lwm2mRecord,
  type ModelProvider,
  type ResourceModel,
  assertValueOfType,
} from '@smartcity/lwm2m-core';
import { type DecodeContext } from './codec';

/** The model of the resource a path points into (resource or resource instance level), if any. */
export function resourceModel(models: ModelProvider, path: Lwm2mPath): ResourceModel | undefined {
  if (path.resourceId === undefined || path.objectId === undefined) return undefined;
  return models.getObjectModel(path.objectId)?.resources.get(path.resourceId);
}

export function makeRecord<T extends DataType>(
  path: Lwm2mPath,
  type: T,
  value: DataTypeValueMap[T],
  time?: number,
): Lwm2mRecord {
  return (time === undefined ? { path, type, value } : { path, type, value, time }) as Lwm2mRecord;
}

/**
 * Collects decoded records: enforces maxRecords, that each record lies under the request path
 * (Core 1.1.1 §5.4.1: a response only carries the requested node) and is a resource or resource instance.
 */
export class RecordCollector {
  readonly records: Lwm2mRecord[] = [];
  constructor(private readonly ctx: DecodeContext) {}

  add(record: Lwm2mRecord, location: { offset?: number; record?: number } = {}): void {
    const level = record.path.level;
    if (level !== 'resource' && level !== 'resourceInstance') {
      throw new Lwm2mCodecError(
        'path-mismatch',
        `value at ${record.path}, which is not a resource`,
        location,
      );
    }
    if (!this.ctx.path.contains(record.path)) {
      throw new Lwm2mCodecError(
        'path-mismatch',
        `${record.path} is outside the request path ${this.ctx.path}`,
        location,
      );
    }
    this.count(location);
    this.records.push(record);
  }

  count(location: { offset?: number; record?: number } = {}): void {
    if (this.records.length >= this.ctx.limits.maxRecords) {
      throw new Lwm2mCodecError(
        'too-many-records',
        `more than ${this.ctx.limits.maxRecords} records`,
        location,
      );
    }
  }
}

/** Encoders check values against their declared type once, here. */
export function checkRecords(records: readonly Lwm2mRecord[]): void {
  records.forEach((r, i) => {
    assertValueOfType(r.type, r.value, String(r.path), i);
    if (r.path.level !== 'resource' && r.path.level !== 'resourceInstance') {
      throw new Lwm2mCodecError('path-mismatch', `record ${r.path} is not a resource or resource instance`, {
        record: i,
      });
    }
  });
}

/** Refuses records outside the encode path (an encoder never writes what was not asked). */
export function checkUnderPath(records: readonly Lwm2mRecord[], path: Lwm2mPath): void {
  records.forEach((r, i) => {
    if (!path.contains(r.path)) {
      throw new Lwm2mCodecError('path-mismatch', `${r.path} is outside the target path ${path}`, {
        record: i,
      });
    }
  });
}
