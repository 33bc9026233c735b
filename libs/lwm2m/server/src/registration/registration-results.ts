import { type Peer } from '@smartcity/coap';
import { type UpdateParams } from '@smartcity/lwm2m-core';
import { type Registration } from './registration';

/** Why the Registration interface refused a request; each maps to one CoAP code in the binding. */
export enum RegistrationErrorCode {
  /** 4.00: parameters or links invalid (Core 1.1.1 §6.2.1). */
  BadRequest = 'BAD_REQUEST',
  /** 4.03: the endpoint may not register (unknown, decommissioned, another device's credential). */
  Forbidden = 'FORBIDDEN',
  /** 4.04: no such registration for this device (§6.2.2: the client registers again). */
  NotFound = 'NOT_FOUND',
  /** 4.15: the payload is not link format. */
  UnsupportedContentFormat = 'UNSUPPORTED_CONTENT_FORMAT',
  /** 4.29 with Max-Age (RFC 8516): too many requests from this endpoint or its tenant. */
  RateLimited = 'RATE_LIMITED',
}

export interface RegistrationFailure {
  readonly ok: false;
  readonly code: RegistrationErrorCode;
  readonly message: string;
  /** Seconds the device should wait (4.29 Max-Age). */
  readonly retryAfterS?: number;
}

export interface RegisterRequest {
  /** Uri-Query arguments (ep, lt, lwm2m, b, sms, Q). */
  readonly query: readonly string[];
  /** The link-format payload. */
  readonly links: string;
  readonly contentFormat?: number;
  readonly peer: Peer;
}

export interface UpdateRequest {
  readonly query: readonly string[];
  /** Links when the objects changed; absent or empty otherwise. */
  readonly links?: string;
  readonly contentFormat?: number;
  readonly peer: Peer;
  /** The registration when the caller holds it already (saves a store read on the hot path). */
  readonly known?: Registration;
}

export type RegisterResult =
  | { readonly ok: true; readonly registration: Registration; readonly replaced?: string }
  | RegistrationFailure;

export type UpdateResult =
  | {
      readonly ok: true;
      readonly registration: Registration;
      readonly params: UpdateParams;
      readonly linksChanged: boolean;
    }
  | RegistrationFailure;

export type DeregisterResult =
  { readonly ok: true; readonly registration: Registration } | RegistrationFailure;
