import { CoapCode } from '@smartcity/coap';

/**
 * Why a server's request failed on the client, as the CoAP response code it is answered with
 * (Core 1.1.1 §8.2.4 "Device Management and Service Enablement Interface" response codes).
 */
export type Lwm2mOperationErrorCode =
  | typeof CoapCode.BadRequest // undecodable payload, bad attribute, instance already exists
  | typeof CoapCode.NotFound
  | typeof CoapCode.MethodNotAllowed // e.g. Write on a read-only resource
  | typeof CoapCode.NotAcceptable // no encoder for the Accept format
  | typeof CoapCode.UnsupportedContentFormat
  | typeof CoapCode.InternalServerError; // a resource handler failed

export class Lwm2mOperationError extends Error {
  override readonly name = 'Lwm2mOperationError';
  constructor(
    readonly code: Lwm2mOperationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new Lwm2mOperationError(CoapCode.NotFound, `${what} not found`);
export const notAllowed = (what: string) => new Lwm2mOperationError(CoapCode.MethodNotAllowed, what);
export const badRequest = (what: string) => new Lwm2mOperationError(CoapCode.BadRequest, what);
