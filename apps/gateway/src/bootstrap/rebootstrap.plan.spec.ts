import { type ModelProvider } from '@smartcity/lwm2m-core';
import { type DeviceRow } from '../devices/device.rows';
import { BOOTSTRAP_TRIGGER_PATH, rebootstrapPlan } from './rebootstrap.plan';

const device = (lwm2mVersion: string | null) => ({ lwm2mVersion }) as unknown as DeviceRow;
const models = {} as ModelProvider;

describe('rebootstrapPlan', () => {
  it('executes the Bootstrap-Request Trigger of Server instance 0 (Core 1.1.1 §E.2 resource 9)', () => {
    expect(BOOTSTRAP_TRIGGER_PATH).toBe('/1/0/9');
    expect(rebootstrapPlan(device('1.1'), models)).toEqual({
      type: 'rebootstrap',
      operation: { op: 'execute', path: '/1/0/9' },
    });
    // Not registered yet: the command waits for the device like any other.
    expect(rebootstrapPlan(device(null), models).operation).toEqual({ op: 'execute', path: '/1/0/9' });
  });

  it('refuses an LwM2M 1.0 device, whose Server object has no resource 9', () => {
    expect(() => rebootstrapPlan(device('1.0'), models)).toThrow(/1\.0/);
  });
});
