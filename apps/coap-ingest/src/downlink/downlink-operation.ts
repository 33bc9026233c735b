import { ContentFormat } from '@smartcity/lwm2m-codec';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { type Lwm2mRequest } from '@smartcity/lwm2m-server';
import { type DownlinkAnyOperation } from '@smartcity/platform-contracts';

/** Operations that address an existing observation rather than the device's resources. */
export type CancelOperation = Extract<
  DownlinkAnyOperation,
  { op: 'cancel-observation' | 'cancel-observe-composite' }
>;

/**
 * The key under which an observation's token is kept for a registration: the path, or the sorted path list of
 * an Observe-Composite (cancelling names the same paths, Core 1.1.1 §6.4.3).
 */
export function observationKeyOf(op: { op: string; path?: string; paths?: readonly string[] }): string {
  if (op.paths) return `composite:${[...op.paths].sort().join(',')}`;
  return op.path ?? '/';
}

/** The path list of a composite request: SenML JSON records naming only `n` (Core 1.1.1 §6.3.8, §7.4.4). */
export function compositePaths(paths: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify(paths.map((n) => ({ n }))));
}

/**
 * Maps a command from `lwm2m.downlink.v1` onto the LwM2M request model; `toCoapRequest` of libs/lwm2m/server
 * makes the CoAP request. Throws on a path that is no LwM2M path (the contract validates it already).
 */
export function toLwm2mRequest(op: Exclude<DownlinkAnyOperation, CancelOperation>): Lwm2mRequest {
  switch (op.op) {
    case 'read':
      return {
        op: 'read',
        path: Lwm2mPath.parse(op.path),
        ...(op.accept !== undefined ? { accept: op.accept } : {}),
      };
    case 'discover':
      return { op: 'discover', path: Lwm2mPath.parse(op.path) };
    case 'write':
      return {
        op: 'write',
        path: Lwm2mPath.parse(op.path),
        replace: op.replace,
        contentFormat: op.contentFormat,
        payload: Buffer.from(op.payload, 'base64'),
      };
    case 'write-attributes':
      return { op: 'write-attributes', path: Lwm2mPath.parse(op.path), attributes: op.attributes };
    case 'execute':
      return {
        op: 'execute',
        path: Lwm2mPath.parse(op.path),
        ...(op.arguments ? { arguments: op.arguments } : {}),
      };
    case 'create':
      return {
        op: 'create',
        path: Lwm2mPath.parse(op.path),
        contentFormat: op.contentFormat,
        payload: Buffer.from(op.payload, 'base64'),
      };
    case 'delete':
      return { op: 'delete', path: Lwm2mPath.parse(op.path) };
    case 'observe':
      return {
        op: 'observe',
        path: Lwm2mPath.parse(op.path),
        ...(op.accept !== undefined ? { accept: op.accept } : {}),
      };
    case 'read-composite':
    case 'observe-composite':
      return {
        op: op.op,
        contentFormat: ContentFormat.SENML_JSON,
        paths: compositePaths(op.paths),
        ...(op.accept !== undefined ? { accept: op.accept } : {}),
      };
    case 'write-composite':
      return {
        op: 'write-composite',
        contentFormat: op.contentFormat,
        payload: Buffer.from(op.payload, 'base64'),
      };
  }
}
