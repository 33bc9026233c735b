/**
 * The CoAP message shapes the client deals with. Codes are the dotted "c.dd" form (RFC 7252 §3, §12.1).
 * Only the options LwM2M uses are modelled (Core 1.1.1 / Transport 1.1.1 §5.x): Uri-Path, Uri-Query,
 * Content-Format, Accept, Observe, Location-Path.
 */
export type CoapMethod = '0.01' | '0.02' | '0.03' | '0.04' | '0.05' | '0.06' | '0.07';

export const CoapMethods = {
  GET: '0.01',
  POST: '0.02',
  PUT: '0.03',
  DELETE: '0.04',
  FETCH: '0.05', // RFC 8132
  PATCH: '0.06',
  IPATCH: '0.07',
} as const satisfies Record<string, CoapMethod>;

/** Response codes used by LwM2M (Core 1.1.1 §8 tables, RFC 7252 §5.9). */
export const CoapCodes = {
  CREATED: '2.01',
  DELETED: '2.02',
  VALID: '2.03',
  CHANGED: '2.04',
  CONTENT: '2.05',
  BAD_REQUEST: '4.00',
  UNAUTHORIZED: '4.01',
  BAD_OPTION: '4.02',
  FORBIDDEN: '4.03',
  NOT_FOUND: '4.04',
  METHOD_NOT_ALLOWED: '4.05',
  NOT_ACCEPTABLE: '4.06',
  REQUEST_ENTITY_INCOMPLETE: '4.08',
  PRECONDITION_FAILED: '4.12',
  REQUEST_ENTITY_TOO_LARGE: '4.13',
  UNSUPPORTED_CONTENT_FORMAT: '4.15',
  INTERNAL_SERVER_ERROR: '5.00',
  NOT_IMPLEMENTED: '5.01',
  SERVICE_UNAVAILABLE: '5.03',
} as const;

export interface Peer {
  readonly address: string;
  readonly port: number;
}

export interface CoapRequest {
  readonly method: CoapMethod;
  readonly uriPath: readonly string[];
  readonly uriQuery?: readonly string[];
  readonly contentFormat?: number;
  readonly accept?: number;
  /** 0 = register, 1 = deregister (RFC 7641 §2). */
  readonly observe?: number;
  readonly payload?: Buffer;
  /** Defaults to true: LwM2M sends its requests confirmable (Transport 1.1.1 §5.2). */
  readonly confirmable?: boolean;
}

export interface CoapResponse {
  readonly code: string;
  readonly contentFormat?: number;
  readonly observe?: number;
  readonly locationPath?: readonly string[];
  readonly maxAge?: number;
  readonly payload?: Buffer;
  /** Set on responses received by CoapEndpoint.request (to cancel an observation later). */
  readonly token?: Buffer;
}

/** A request as received from a server, with what is needed to answer and to keep observing. */
export interface IncomingRequest extends CoapRequest {
  readonly peer: Peer;
  readonly token: Buffer;
}

export function isSuccess(code: string): boolean {
  return code.startsWith('2.');
}
