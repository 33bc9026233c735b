import { type AlarmCondition } from '@smartcity/ucifi-normalize';
import { type AlarmTransition, coalesceTransitions } from './alarm-transition';
import { conditionOutcome } from './alarm-rules';

describe('conditionOutcome', () => {
  const above: AlarmCondition = { kind: 'above', raise: 30, clear: 25 };
  const below: AlarmCondition = { kind: 'below', raise: 10, clear: 15 };
  it.each([
    [{ kind: 'flag' } as AlarmCondition, true, 'raise'],
    [{ kind: 'flag' } as AlarmCondition, 1, 'raise'],
    [{ kind: 'flag' } as AlarmCondition, false, 'clear'],
    [{ kind: 'flag' } as AlarmCondition, 0, 'clear'],
    [{ kind: 'flag' } as AlarmCondition, 'yes', undefined],
    [above, 31, 'raise'],
    [above, 30, undefined], // inside the hysteresis band: the stored state decides
    [above, 25, 'clear'],
    [above, '31', undefined],
    [{ kind: 'above', raise: 30 } as AlarmCondition, 30, 'clear'],
    [below, 9, 'raise'],
    [below, 12, undefined],
    [below, 15, 'clear'],
  ])('%j with value %j -> %s', (condition, value, outcome) => {
    expect(conditionOutcome(condition, value)).toBe(outcome);
  });
});

describe('coalesceTransitions', () => {
  const t = (action: 'raise' | 'clear', timeSec: number, path = '/3416/0/10'): AlarmTransition => ({
    action,
    tenantId: 'lyon',
    deviceId: 'd1',
    type: 'lamp_failure',
    severity: 'MAJOR',
    timeSec,
    path,
  });

  it('keeps the first transition of each run, in time order, per device, type and path', () => {
    const out = coalesceTransitions([
      t('clear', 5),
      t('raise', 2),
      t('raise', 3),
      t('clear', 1),
      t('clear', 6),
      t('raise', 4, '/3416/1/10'),
    ]);
    expect(out.map((x) => [x.action, x.timeSec, x.path])).toEqual([
      ['clear', 1, '/3416/0/10'],
      ['raise', 2, '/3416/0/10'],
      ['raise', 4, '/3416/1/10'],
      ['clear', 5, '/3416/0/10'],
    ]);
  });
});
