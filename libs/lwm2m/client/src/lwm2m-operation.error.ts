/**
 * Why a server's request failed on the client, as the CoAP response code it is answered with
 * (Core 1.1.1 §8.2.4 "Device Management and Service Enablement Interface" response codes).
 */
export type Lwm2mOperationErrorCode =
  | '4.00' // Bad Request: undecodable payload, bad attribute, instance already exists
  | '4.04' // Not Found
  | '4.05' // Method Not Allowed: operation not allowed on the resource (e.g. Write on a read-only resource)
  | '4.06' // Not Acceptable: no encoder for the Accept format
  | '4.15' // Unsupported Content-Format
  | '5.00'; // Internal error of a resource handler

export class Lwm2mOperationError extends Error {
  override readonly name = 'Lwm2mOperationError';
  constructor(
    readonly code: Lwm2mOperationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new Lwm2mOperationError('4.04', `${what} not found`);
export const notAllowed = (what: string) => new Lwm2mOperationError('4.05', what);
export const badRequest = (what: string) => new Lwm2mOperationError('4.00', what);
