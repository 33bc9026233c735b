import { downlinkContract, downlinkResultContract } from './index';

describe('downlink contracts', () => {
  const request = {
    v: 1,
    id: 'cmd-1',
    tenant: 'lyon',
    endpoint: 'sl-0001',
    operation: { op: 'write-attributes', path: '/3303/0/5700', attributes: { pmin: 10, pmax: null } },
    issuedAt: 1,
    deadline: 2,
  } as const;

  it('round-trips a request', () => {
    expect(downlinkContract.decode(downlinkContract.encode(request))).toEqual(request);
  });

  it.each([
    ['a path that is not an LwM2M path', { ...request, operation: { op: 'read', path: '/a/b' } }],
    ['an unknown operation', { ...request, operation: { op: 'reboot', path: '/3/0/4' } }],
    ['a write without payload', { ...request, operation: { op: 'write', path: '/3/0/13', replace: true } }],
  ])('refuses %s', (_name, value) => {
    expect(() => downlinkContract.decode(Buffer.from(JSON.stringify(value)))).toThrow(/lwm2m.downlink.v1/);
  });

  it('round-trips a result with a CoAP code', () => {
    const result = {
      v: 1,
      id: 'cmd-1',
      tenant: 'lyon',
      endpoint: 'sl-0001',
      op: 'read',
      status: 'completed',
      coapCode: '2.05',
      contentFormat: 110,
      payload: 'W10=',
      instanceId: 'ingest-1',
      completedAt: 3,
    } as const;
    expect(downlinkResultContract.decode(downlinkResultContract.encode(result))).toEqual(result);
  });
});
