import {
  type CoapMessage,
  type CoapOptionValue,
  CoapCode,
  CoapOption,
  stringOptions,
  uintOption,
  uintOptionOf,
  uriPathOf,
  uriQueryOf,
} from '@smartcity/coap';
import {
  Lwm2mCodecError,
  Lwm2mPath,
  parseWriteAttributesQuery,
  serializeWriteAttributesQuery,
} from '@smartcity/lwm2m-core';
import { type Lwm2mRequest } from './lwm2m-request';

/** Content-Format numbers the binding itself needs (RFC 6690 link format; text for Execute arguments). */
const LINK_FORMAT = 40;
const TEXT_PLAIN = 0;

/** The CoAP form of a request: method, options and payload (LwM2M Transport 1.1.1 §6.4, Table 6.4-1). */
export interface CoapRequestShape {
  readonly code: number;
  readonly options: readonly CoapOptionValue[];
  readonly payload?: Buffer;
}

/** A CoAP request that is no LwM2M operation: answered with this code and diagnostic. */
export class Lwm2mBindingError extends Error {
  override readonly name = 'Lwm2mBindingError';
  constructor(
    readonly coapCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** "/" or an alternate path ("/lwm2m", Core 1.1.1 §6.2.1.1) -> its Uri-Path segments. */
function rootSegments(rootPath: string): string[] {
  return rootPath === '/' ? [] : rootPath.split('/').filter(Boolean);
}

function uri(rootPath: string, path: Lwm2mPath | undefined): CoapOptionValue[] {
  const segments = rootSegments(rootPath);
  if (path) segments.push(...path.toString().split('/').filter(Boolean));
  return stringOptions(CoapOption.UriPath, segments);
}

const accept = (n: number | undefined): CoapOptionValue[] =>
  n === undefined ? [] : [uintOption(CoapOption.Accept, n)];
const format = (n: number): CoapOptionValue => uintOption(CoapOption.ContentFormat, n);

/**
 * Server side of the binding: the CoAP request for an LwM2M request (Transport 1.1.1 §6.4): Read = GET,
 * Discover = GET Accept: link-format, Write = PUT (replace) / POST (partial update), Write-Attributes = PUT
 * with the attributes as query, Execute = POST, Create = POST on the object, Delete = DELETE, Observe = GET
 * Observe:0, Cancel = GET Observe:1 (RFC 7641 §3.6), Read-/Observe-Composite = FETCH, Write-Composite = iPATCH.
 */
export function toCoapRequest(request: Lwm2mRequest, rootPath = '/'): CoapRequestShape {
  switch (request.op) {
    case 'read':
      return { code: CoapCode.GET, options: [...uri(rootPath, request.path), ...accept(request.accept)] };
    case 'discover':
      return { code: CoapCode.GET, options: [...uri(rootPath, request.path), ...accept(LINK_FORMAT)] };
    case 'write':
      return {
        code: request.replace ? CoapCode.PUT : CoapCode.POST,
        options: [...uri(rootPath, request.path), format(request.contentFormat)],
        payload: request.payload,
      };
    case 'write-attributes':
      return {
        code: CoapCode.PUT,
        options: [
          ...uri(rootPath, request.path),
          ...stringOptions(CoapOption.UriQuery, serializeWriteAttributesQuery(request.attributes)),
        ],
      };
    case 'execute':
      return request.arguments
        ? {
            code: CoapCode.POST,
            options: [...uri(rootPath, request.path), format(TEXT_PLAIN)],
            payload: Buffer.from(request.arguments, 'utf8'),
          }
        : { code: CoapCode.POST, options: uri(rootPath, request.path) };
    case 'create':
      return {
        code: CoapCode.POST,
        options: [...uri(rootPath, request.path), format(request.contentFormat)],
        payload: request.payload,
      };
    case 'delete':
      return { code: CoapCode.DELETE, options: uri(rootPath, request.path) };
    case 'observe':
    case 'cancel-observe':
      return {
        code: CoapCode.GET,
        options: [
          uintOption(CoapOption.Observe, request.op === 'observe' ? 0 : 1),
          ...uri(rootPath, request.path),
          ...accept(request.accept),
        ],
      };
    case 'read-composite':
    case 'observe-composite':
    case 'cancel-observe-composite':
      return {
        code: CoapCode.FETCH,
        options: [
          ...(request.op === 'read-composite'
            ? []
            : [uintOption(CoapOption.Observe, request.op === 'observe-composite' ? 0 : 1)]),
          ...uri(rootPath, undefined),
          format(request.contentFormat),
          ...accept(request.accept),
        ],
        payload: request.paths,
      };
    case 'write-composite':
      return {
        code: CoapCode.IPATCH,
        options: [...uri(rootPath, undefined), format(request.contentFormat)],
        payload: request.payload,
      };
  }
}

/**
 * Client side of the binding: the LwM2M request a server's CoAP request carries. Throws Lwm2mBindingError
 * (4.04 for a path that is no LwM2M path, 4.05 for a method the target does not take, 4.00 for missing
 * formats) so the client answers with the right code (Core 1.1.1 §8.2.4... "Response Codes").
 */
export function fromCoapRequest(message: CoapMessage): Lwm2mRequest {
  const segments = uriPathOf(message);
  const path = Lwm2mPath.tryParse('/' + segments.join('/'));
  if (!path) throw new Lwm2mBindingError(CoapCode.NotFound, `no resource at /${segments.join('/')}`);
  const observe = uintOptionOf(message, CoapOption.Observe);
  const acceptFormat = uintOptionOf(message, CoapOption.Accept);
  const contentFormat = uintOptionOf(message, CoapOption.ContentFormat);
  const payload = message.payload;
  const acceptField = acceptFormat !== undefined ? { accept: acceptFormat } : {};
  const needFormat = (what: string): number => {
    if (contentFormat === undefined)
      throw new Lwm2mBindingError(CoapCode.BadRequest, `${what} needs a Content-Format`);
    return contentFormat;
  };
  switch (message.code) {
    case CoapCode.GET:
      if (acceptFormat === LINK_FORMAT) return { op: 'discover', path };
      if (observe === 0) return { op: 'observe', path, ...acceptField };
      if (observe === 1) return { op: 'cancel-observe', path, ...acceptField };
      return { op: 'read', path, ...acceptField };
    case CoapCode.PUT:
      if (payload.length === 0 && contentFormat === undefined) {
        try {
          return { op: 'write-attributes', path, attributes: parseWriteAttributesQuery(uriQueryOf(message)) };
        } catch (err) {
          if (err instanceof Lwm2mCodecError) throw new Lwm2mBindingError(CoapCode.BadRequest, err.message);
          throw err;
        }
      }
      return { op: 'write', path, replace: true, contentFormat: needFormat('a Write'), payload };
    case CoapCode.POST:
      if (path.level === 'object')
        return { op: 'create', path, contentFormat: needFormat('a Create'), payload };
      if (path.level === 'instance')
        return { op: 'write', path, replace: false, contentFormat: needFormat('a Write'), payload };
      if (path.level === 'resource') {
        return payload.length > 0
          ? { op: 'execute', path, arguments: payload.toString('utf8') }
          : { op: 'execute', path };
      }
      throw new Lwm2mBindingError(CoapCode.MethodNotAllowed, `POST on ${path.toString()}`);
    case CoapCode.DELETE:
      return { op: 'delete', path };
    case CoapCode.FETCH: {
      const composite = { contentFormat: needFormat('a composite request'), paths: payload, ...acceptField };
      if (observe === 0) return { op: 'observe-composite', ...composite };
      if (observe === 1) return { op: 'cancel-observe-composite', ...composite };
      return { op: 'read-composite', ...composite };
    }
    case CoapCode.IPATCH:
      return { op: 'write-composite', contentFormat: needFormat('a Write-Composite'), payload };
    default:
      throw new Lwm2mBindingError(
        CoapCode.MethodNotAllowed,
        `method ${message.code >> 5}.${String(message.code & 31).padStart(2, '0')}`,
      );
  }
}
