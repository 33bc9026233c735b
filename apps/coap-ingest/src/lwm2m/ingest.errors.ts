import { CoapCode } from '@smartcity/coap';

/**
 * Why the ingest refuses a device request outside the Registration interface (whose refusals are the
 * RegistrationService's typed results); translated to a CoAP response code at the edge (`coapCodeOf`).
 */
export enum IngestErrorCode {
  NotRegistered = 'NOT_REGISTERED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedContentFormat = 'UNSUPPORTED_CONTENT_FORMAT',
  BadRequest = 'BAD_REQUEST',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  NotFound = 'NOT_FOUND',
}

export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function coapCodeOf(code: IngestErrorCode): number {
  switch (code) {
    case IngestErrorCode.NotRegistered:
      return CoapCode.Forbidden;
    case IngestErrorCode.NotFound:
      return CoapCode.NotFound;
    case IngestErrorCode.PayloadTooLarge:
      return CoapCode.RequestEntityTooLarge;
    case IngestErrorCode.UnsupportedContentFormat:
      return CoapCode.UnsupportedContentFormat;
    case IngestErrorCode.BadRequest:
      return CoapCode.BadRequest;
    case IngestErrorCode.MethodNotAllowed:
      return CoapCode.MethodNotAllowed;
  }
}
