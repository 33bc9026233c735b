/** Why the ingest refuses a device request; translated to a CoAP response code at the edge (`coapCodeOf`). */
export enum IngestErrorCode {
  UnknownEndpoint = 'UNKNOWN_ENDPOINT',
  DecommissionedDevice = 'DECOMMISSIONED_DEVICE',
  UnknownRegistration = 'UNKNOWN_REGISTRATION',
  NotRegistered = 'NOT_REGISTERED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedContentFormat = 'UNSUPPORTED_CONTENT_FORMAT',
  BadRequest = 'BAD_REQUEST',
  RateLimited = 'RATE_LIMITED',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  NotFound = 'NOT_FOUND',
}

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    /** Seconds the device should wait (4.29 Max-Age, RFC 8516 §3). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

export function coapCodeOf(code: IngestErrorCode): number {
  switch (code) {
    case IngestErrorCode.UnknownEndpoint:
    case IngestErrorCode.DecommissionedDevice:
    case IngestErrorCode.NotRegistered:
      return CoapCode.Forbidden;
    case IngestErrorCode.UnknownRegistration:
    case IngestErrorCode.NotFound:
      return CoapCode.NotFound;
    case IngestErrorCode.PayloadTooLarge:
      return CoapCode.RequestEntityTooLarge;
    case IngestErrorCode.UnsupportedContentFormat:
      return CoapCode.UnsupportedContentFormat;
    case IngestErrorCode.BadRequest:
      return CoapCode.BadRequest;
    case IngestErrorCode.RateLimited:
      return CoapCode.TooManyRequests;
    case IngestErrorCode.MethodNotAllowed:
      return CoapCode.MethodNotAllowed;
  }
}
import { CoapCode } from '@smartcity/coap';
