import {
  type CoapMessage,
  CoapCode,
  CoapOption,
  CoapType,
  stringOptions,
  type uintOption,
  uriPathOf,
  uriQueryOf,
} from '@smartcity/coap';
import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { fromCoapRequest, Lwm2mBindingError, toCoapRequest } from './coap-binding';
import { type Lwm2mRequest } from './lwm2m-request';

const p = Lwm2mPath.parse;
const asMessage = (shape: ReturnType<typeof toCoapRequest>): CoapMessage => ({
  type: CoapType.Confirmable,
  code: shape.code,
  messageId: 1,
  token: Buffer.of(1),
  options: [...shape.options].sort((a, b) => a.number - b.number),
  payload: shape.payload ?? Buffer.alloc(0),
});

describe('LwM2M request <-> CoAP (Transport 1.1.1 §6.4)', () => {
  const cases: [string, Lwm2mRequest, number][] = [
    ['Read', { op: 'read', path: p('/3/0/9'), accept: 0 }, CoapCode.GET],
    ['Read without Accept', { op: 'read', path: p('/3/0') }, CoapCode.GET],
    ['Discover', { op: 'discover', path: p('/3') }, CoapCode.GET],
    [
      'Write replace',
      { op: 'write', path: p('/3416/0'), replace: true, contentFormat: 112, payload: Buffer.of(1) },
      CoapCode.PUT,
    ],
    [
      'Write partial update',
      { op: 'write', path: p('/3416/0'), replace: false, contentFormat: 11542, payload: Buffer.of(2) },
      CoapCode.POST,
    ],
    [
      'Write-Attributes',
      { op: 'write-attributes', path: p('/3/0/9'), attributes: { pmin: 10, pmax: 60, gt: 1.5 } },
      CoapCode.PUT,
    ],
    ['Execute', { op: 'execute', path: p('/3/0/4') }, CoapCode.POST],
    ['Execute with arguments', { op: 'execute', path: p('/5/0/2'), arguments: "0='a'" }, CoapCode.POST],
    ['Create', { op: 'create', path: p('/3416'), contentFormat: 112, payload: Buffer.of(3) }, CoapCode.POST],
    ['Delete', { op: 'delete', path: p('/3416/1') }, CoapCode.DELETE],
    ['Observe', { op: 'observe', path: p('/3/0/9'), accept: 112 }, CoapCode.GET],
    ['Cancel Observation', { op: 'cancel-observe', path: p('/3/0/9') }, CoapCode.GET],
    [
      'Read-Composite',
      { op: 'read-composite', contentFormat: 110, paths: Buffer.from('[{"n":"/3/0/9"}]'), accept: 112 },
      CoapCode.FETCH,
    ],
    [
      'Observe-Composite',
      { op: 'observe-composite', contentFormat: 110, paths: Buffer.from('[{"n":"/3/0"}]') },
      CoapCode.FETCH,
    ],
    [
      'Cancel Observe-Composite',
      { op: 'cancel-observe-composite', contentFormat: 110, paths: Buffer.from('[{"n":"/3/0"}]') },
      CoapCode.FETCH,
    ],
    [
      'Write-Composite',
      { op: 'write-composite', contentFormat: 112, payload: Buffer.of(9) },
      CoapCode.IPATCH,
    ],
  ];

  it.each(cases)('%s round-trips', (_name, request, method) => {
    const shape = toCoapRequest(request);
    expect(shape.code).toBe(method);
    expect(fromCoapRequest(asMessage(shape))).toEqual(request);
  });

  it('prefixes the alternate root path (Core 1.1.1 §6.2.1.1)', () => {
    const read = asMessage(toCoapRequest({ op: 'read', path: p('/3/0') }, '/lwm2m'));
    expect(uriPathOf(read)).toEqual(['lwm2m', '3', '0']);
    const composite = asMessage(
      toCoapRequest({ op: 'write-composite', contentFormat: 112, payload: Buffer.of(1) }, '/lwm2m'),
    );
    expect(uriPathOf(composite)).toEqual(['lwm2m']);
  });

  it('puts notification attributes in the query (Core 1.1.1 §5.4.4)', () => {
    const m = asMessage(
      toCoapRequest({ op: 'write-attributes', path: p('/3/0/9'), attributes: { pmin: 5, st: null } }),
    );
    expect(uriQueryOf(m)).toEqual(['pmin=5', 'st']);
  });

  const message = (
    code: number,
    path: string[],
    options: ReturnType<typeof uintOption>[] = [],
    payload = Buffer.alloc(0),
  ): CoapMessage => ({
    type: CoapType.Confirmable,
    code,
    messageId: 1,
    token: Buffer.alloc(0),
    options: [...stringOptions(CoapOption.UriPath, path), ...options].sort((a, b) => a.number - b.number),
    payload,
  });

  it.each([
    ['a path that is no LwM2M path', message(CoapCode.GET, ['foo']), CoapCode.NotFound],
    ['POST on a resource instance', message(CoapCode.POST, ['3', '0', '7', '1']), CoapCode.MethodNotAllowed],
    [
      'Write without Content-Format',
      message(CoapCode.PUT, ['3', '0'], [], Buffer.of(1)),
      CoapCode.BadRequest,
    ],
    [
      'Create without Content-Format',
      message(CoapCode.POST, ['3416'], [], Buffer.of(1)),
      CoapCode.BadRequest,
    ],
    ['FETCH without Content-Format', message(CoapCode.FETCH, [], [], Buffer.of(1)), CoapCode.BadRequest],
    [
      'an unknown attribute',
      message(CoapCode.PUT, ['3', '0', '9'], stringOptions(CoapOption.UriQuery, ['foo=1'])),
      CoapCode.BadRequest,
    ],
    ['PATCH', message(CoapCode.PATCH, ['3', '0']), CoapCode.MethodNotAllowed],
  ])('refuses %s', (_name, m, code) => {
    let error: unknown;
    try {
      fromCoapRequest(m);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Lwm2mBindingError);
    expect((error as Lwm2mBindingError).coapCode).toBe(code);
  });
});
