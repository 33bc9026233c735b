import { parseAlarmMessage, parseStateMessage } from './live-messages';

describe('parseStateMessage', () => {
  const good = {
    v: 1,
    tenant: 'lyon',
    deviceId: 'd1',
    values: [
      {
        path: '/3424/0/1',
        metric: 'water_meter.cumulated_water_volume',
        time: '2026-01-01T00:00:00Z',
        value: 3,
        unit: 'm3',
      },
    ],
  };
  it('accepts the decoder message of the channel tenant', () => {
    expect(parseStateMessage(JSON.stringify(good), 'lyon')?.values).toHaveLength(1);
  });
  it.each([
    ['another tenant in the body', JSON.stringify(good), 'porto'],
    ['not JSON', '{', 'lyon'],
    ['no device', JSON.stringify({ ...good, deviceId: 1 }), 'lyon'],
  ])('drops %s', (_n, raw, tenant) => {
    expect(parseStateMessage(raw, tenant)).toBeNull();
  });
  it('drops malformed values but keeps the good ones', () => {
    const raw = JSON.stringify({ ...good, values: [...good.values, { path: 1 }] });
    expect(parseStateMessage(raw, 'lyon')?.values).toHaveLength(1);
  });
});

describe('parseAlarmMessage', () => {
  const alarm = {
    id: 'e1',
    type: 'alarm.raised',
    tenant: 'lyon',
    deviceId: 'd1',
    time: '2026-01-01T00:00:00Z',
    alarm: {
      id: 'a1',
      type: 'leak',
      severity: 'MAJOR',
      status: 'ACTIVE',
      message: null,
      path: '/3424/0/10',
      raisedAt: '2026-01-01T00:00:00Z',
      clearedAt: null,
      details: {},
    },
  };
  it('accepts a raised alarm', () => {
    expect(parseAlarmMessage(JSON.stringify(alarm), 'lyon')?.alarm.id).toBe('a1');
  });
  it.each([
    ['an unknown event type', { ...alarm, type: 'alarm.exploded' }],
    ['no alarm', { ...alarm, alarm: null }],
  ])('drops %s', (_n, m) => {
    expect(parseAlarmMessage(JSON.stringify(m), 'lyon')).toBeNull();
  });
});
