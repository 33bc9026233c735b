import { type AlarmTransition } from '../alarms/alarm-transition';
import { transitionsToApply } from './water-alarms';

const t = (action: 'raise' | 'clear', timeSec: number, deviceId = 'd1'): AlarmTransition => ({
  action,
  tenantId: 'lyon',
  deviceId,
  type: 'leak_suspected_from_flow',
  severity: 'MINOR',
  timeSec,
  path: '/3424/0',
});

describe('water alarm transitions worth a statement', () => {
  it('drops the clears of alarms that are not active, keeps a clear after a raise of the same run', () => {
    const out = transitionsToApply(
      [t('clear', 100), t('raise', 200), t('clear', 300), t('clear', 400)],
      0,
      [],
    );
    expect(out.map((x) => [x.action, x.timeSec])).toEqual([
      ['raise', 200],
      ['clear', 300],
    ]);
  });

  it('keeps the clear of an active alarm', () => {
    const out = transitionsToApply([t('clear', 100)], 0, [
      { deviceId: 'd1', type: 'leak_suspected_from_flow', path: '/3424/0' },
    ]);
    expect(out).toHaveLength(1);
  });

  it('drops transitions before `since` (earlier runs applied them)', () => {
    expect(transitionsToApply([t('raise', 100), t('raise', 300, 'd2')], 200_000, [])).toEqual([
      t('raise', 300, 'd2'),
    ]);
  });
});
