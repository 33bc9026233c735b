import { type DataType, type ResourceOperations } from '@smartcity/lwm2m-core';

/** Shape of the constants generated from the DDF XML (`src/generated/`), one per object version. */
export interface GeneratedResource {
  readonly name: string;
  readonly type: DataType;
  readonly units?: string;
  readonly operations: ResourceOperations;
  readonly mandatory: boolean;
  readonly multiple: boolean;
}

export interface GeneratedObjectModel {
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  readonly resources: Readonly<Record<number, GeneratedResource>>;
}
