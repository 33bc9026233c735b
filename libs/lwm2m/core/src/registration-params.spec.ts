import {
  parseRegistrationParams,
  parseUpdateParams,
  serializeRegistrationParams,
} from './registration-params';

describe('registration parameters (LwM2M Core 1.1.1 §6.2.1, Core 1.0 §5.3.1)', () => {
  it('applies the defaults lt=86400, lwm2m=1.0, b=U', () => {
    const p = parseRegistrationParams(['ep=lamp-1']);
    expect(p).toMatchObject({
      endpoint: 'lamp-1',
      lifetime: 86400,
      lwm2mVersion: '1.0',
      binding: 'U',
      queueMode: false,
    });
  });

  it.each([
    [['ep=a', 'lwm2m=1.0', 'b=UQ'], true],
    [['ep=a', 'lwm2m=1.0', 'b=UQS'], true],
    [['ep=a', 'lwm2m=1.0', 'b=US'], false],
    [['ep=a', 'lwm2m=1.1', 'b=UT', 'Q'], true],
    [['ep=a', 'lwm2m=1.1', 'b=N'], false],
    [['ep=a', 'lwm2m=1.2', 'b=UTSN'], false],
  ])('accepts %p with queue mode %s', (query, queue) => {
    expect(parseRegistrationParams(query).queueMode).toBe(queue);
  });

  it.each([
    [['lt=60'], 'missing "ep"'],
    [['ep=a', 'lt=abc'], '"lt" must be an integer'],
    [['ep=a', 'lt=0'], 'at least 1'],
    [['ep=a', 'lwm2m=2.0'], 'unsupported "lwm2m"'],
    [['ep=a', 'lwm2m=1.0', 'b=T'], 'LwM2M 1.0'],
    [['ep=a', 'lwm2m=1.0', 'b=U', 'Q'], 'needs LwM2M 1.1+'],
    [['ep=a', 'lwm2m=1.1', 'b=UQ'], 'distinct letters among U, T, S, N'],
    [['ep=a', 'lwm2m=1.1', 'b=UU'], 'distinct letters'],
    [['ep=a', 'lwm2m=1.1', 'Q=1'], 'takes no value'],
    [['ep=a', 'ep=b'], 'given twice'],
    [['ep=a', 'sms=12ab'], 'MSISDN'],
  ])('refuses %p: %s', (query, message) => {
    expect(() => parseRegistrationParams(query)).toThrow(
      expect.objectContaining({ code: 'invalid-parameter', message: expect.stringContaining(message) }),
    );
  });

  it('locates the faulty parameter', () => {
    expect(() => parseRegistrationParams(['ep=a', 'lwm2m=1.1', 'b=X'])).toThrow(
      expect.objectContaining({ record: 2 }),
    );
  });

  it('keeps unknown parameters aside and accepts an ampersand string', () => {
    const p = parseRegistrationParams('ep=a&lt=300&lwm2m=1.1&b=U&Q&apn=iot');
    expect(p.lifetime).toBe(300);
    expect(p.queueMode).toBe(true);
    expect(p.extra.get('apn')).toBe('iot');
    expect(serializeRegistrationParams(p)).toEqual(['ep=a', 'lt=300', 'lwm2m=1.1', 'Q']);
  });

  it('lets the endpoint name come from the credentials when not required', () => {
    expect(
      parseRegistrationParams(['lwm2m=1.1'], { requireEndpoint: false, defaultEndpoint: 'psk-id' }).endpoint,
    ).toBe('psk-id');
  });

  it('parses Update parameters against the registered version', () => {
    expect(parseUpdateParams(['lt=120'], '1.1')).toEqual({ lifetime: 120 });
    expect(parseUpdateParams(['b=UQ'], '1.0')).toEqual({ binding: 'UQ', queueMode: true });
    expect(parseUpdateParams([], '1.1')).toEqual({});
    expect(() => parseUpdateParams(['ep=x'], '1.1')).toThrow(/unknown Update parameter/);
    expect(() => parseUpdateParams(['Q'], '1.0')).toThrow(/1\.1\+/);
  });
});
