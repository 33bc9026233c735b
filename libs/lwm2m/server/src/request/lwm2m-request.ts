import { type Lwm2mPath, type NotificationAttributes } from '@smartcity/lwm2m-core';

/**
 * The requests an LwM2M server sends to a client, independent of the transport: Device Management
 * (Core 1.1.1 §6.3: Read, Discover, Write, Write-Attributes, Execute, Create, Delete, Read-/Write-Composite)
 * and Information Reporting (§6.4: Observe, Cancel Observation, Observe-Composite, Cancel Observe-Composite).
 * Composite requests carry their path list encoded (SenML records naming only `n`, §6.3.8) with its format.
 */
export type Lwm2mRequest =
  | { readonly op: 'read'; readonly path: Lwm2mPath; readonly accept?: number }
  | { readonly op: 'discover'; readonly path: Lwm2mPath }
  | {
      readonly op: 'write';
      readonly path: Lwm2mPath;
      /** Replace (PUT) or partial update (POST on an instance, §6.3.3). */
      readonly replace: boolean;
      readonly contentFormat: number;
      readonly payload: Buffer;
    }
  | { readonly op: 'write-attributes'; readonly path: Lwm2mPath; readonly attributes: NotificationAttributes }
  | { readonly op: 'execute'; readonly path: Lwm2mPath; readonly arguments?: string }
  | {
      readonly op: 'create';
      readonly path: Lwm2mPath;
      readonly contentFormat: number;
      readonly payload: Buffer;
    }
  | { readonly op: 'delete'; readonly path: Lwm2mPath }
  | { readonly op: 'observe'; readonly path: Lwm2mPath; readonly accept?: number }
  | { readonly op: 'cancel-observe'; readonly path: Lwm2mPath; readonly accept?: number }
  | CompositeRequest<'read-composite'>
  | CompositeRequest<'observe-composite'>
  | CompositeRequest<'cancel-observe-composite'>
  | { readonly op: 'write-composite'; readonly contentFormat: number; readonly payload: Buffer };

export interface CompositeRequest<Op extends string> {
  readonly op: Op;
  /** Format of the encoded path list (SenML JSON/CBOR, LwM2M 1.2 CBOR). */
  readonly contentFormat: number;
  readonly paths: Buffer;
  readonly accept?: number;
}

export type Lwm2mOperation = Lwm2mRequest['op'];

/** Operations whose first response opens an observation (RFC 7641 §3.1). */
export function opensObservation(request: Lwm2mRequest): boolean {
  return request.op === 'observe' || request.op === 'observe-composite';
}
