import { type DataType, type DataTypeValueMap } from './data-type';
import { type Lwm2mPath } from './path';

/**
 * One decoded value: a single resource or resource instance. Payloads are decoded into flat lists of
 * records because the hot path (decoder -> TimescaleDB) consumes values one by one; a tree view is derived
 * when needed.
 *
 * `time` is set when the format carries one (SenML `bt`+`t`, LwM2M JSON `bt`+`t`, LwM2M CBOR timestamps):
 * seconds since the Unix epoch. Several records may share a path with different times (a SenML Send of
 * historical values); all of them are kept.
 */
export type Lwm2mRecord = {
  [T in DataType]: {
    readonly path: Lwm2mPath;
    readonly type: T;
    readonly value: DataTypeValueMap[T];
    readonly time?: number;
  };
}[DataType];
