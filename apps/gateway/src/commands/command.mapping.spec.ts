import { type DownlinkResult } from '@smartcity/platform-contracts';
import { statusOf, toUpdate } from './command.mapping';

const base: DownlinkResult = {
  v: 1,
  id: '00000000-0000-4000-8000-000000000001',
  tenant: 'lyon',
  endpoint: 'sl-1',
  op: 'write',
  status: 'completed',
  instanceId: 'ingest-a',
  completedAt: 1_700_000_000_000,
};

describe('command lifecycle mapping', () => {
  it.each([
    ['sent', undefined, 'SENT'],
    ['completed', '2.04', 'SUCCEEDED'],
    ['completed', '2.05', 'SUCCEEDED'],
    ['completed', '4.04', 'FAILED'],
    ['completed', '4.05', 'FAILED'],
    ['completed', '5.00', 'FAILED'],
    ['timeout', undefined, 'TIMEOUT'],
    ['expired', undefined, 'EXPIRED'],
    ['rejected', undefined, 'FAILED'],
    ['not-registered', undefined, 'FAILED'],
    ['invalid', undefined, 'FAILED'],
  ] as const)('maps ingest status %s with code %s to %s', (status, coapCode, expected) => {
    expect(statusOf({ ...base, status, ...(coapCode ? { coapCode } : {}) })).toBe(expected);
  });

  it('keeps the response payload and its content format for a read', () => {
    const update = toUpdate({ ...base, op: 'read', coapCode: '2.05', contentFormat: 110, payload: 'W10=' });
    expect(update).toMatchObject({
      status: 'SUCCEEDED',
      coapCode: '2.05',
      result: { contentFormat: 110, payload: 'W10=' },
      at: new Date(base.completedAt),
    });
  });

  it('explains a Reset', () => {
    expect(toUpdate({ ...base, status: 'rejected' }).error).toMatch(/reset/);
  });
});
