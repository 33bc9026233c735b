import { loadBundledRegistry } from '@smartcity/ucifi-model';
import { type Measurement, type MeasurementValue } from '../measurement';
import { AlarmEvaluator, type DeviceAlarmState, emptyAlarmState } from './alarm-evaluator';
import { AlarmConfigError, AlarmRuleSet } from './alarm-rule-set';
import { DEFAULT_ALARM_RULES } from './default-alarm-rules';

const device = { tenant: 'lyon', deviceId: 'dev-1', endpoint: 'urn:dev:1' };
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

function m(path: string, value: MeasurementValue, offsetS = 0): Measurement {
  const [objectId, instanceId, resourceId] = path.split('/').slice(1).map(Number) as [number, number, number];
  return {
    ...device,
    objectId,
    objectVersion: '1.0',
    instanceId,
    resourceId,
    path,
    metric: 'x.y',
    category: 'other',
    valueType: typeof value === 'boolean' ? 'boolean' : 'float',
    value,
    unit: null,
    time: T0 + offsetS * 1000,
  };
}

describe('default alarm table', () => {
  it.each([
    ['/3416/0/5', 'lamp_failure', 'major'],
    ['/3416/0/7', 'control_gear_failure', 'major'],
    ['/3416/0/9', 'relay_failure', 'major'],
    ['/3416/0/10', 'day_burner', 'minor'],
    ['/3416/0/11', 'cycling_failure', 'minor'],
    ['/3416/0/25', 'thermal_shutdown', 'major'],
    ['/3418/0/12', 'low_power', 'minor'],
    ['/3418/0/19', 'high_current', 'major'],
    ['/3418/0/23', 'high_voltage', 'major'],
    ['/3424/0/9', 'leak_suspected', 'minor'],
    ['/3424/0/10', 'leak_detected', 'major'],
    ['/3424/0/11', 'back_flow', 'major'],
    ['/3424/0/12', 'meter_blocked', 'major'],
    ['/3424/0/13', 'fraud_detected', 'major'],
    ['/3423/0/10', 'leak_detected', 'critical'],
    ['/3427/0/3', 'leak_detected', 'major'],
    ['/3427/0/4', 'water_hammer', 'minor'],
    ['/3429/0/6', 'out_of_position', 'major'],
    ['/3429/0/12', 'shock_detected', 'major'],
    ['/3451/0/6', 'out_of_position', 'major'],
    ['/3431/0/4', 'forbidden_parking', 'warning'],
    ['/3435/0/5', 'container_full', 'minor'],
    ['/3435/0/12', 'container_moved', 'minor'],
    ['/3435/0/13', 'container_tipped', 'major'],
    ['/3435/0/21', 'cover_open', 'warning'],
    ['/3435/0/22', 'fire', 'critical'],
    ['/3435/0/23', 'water_infiltration', 'minor'],
    ['/3445/0/16', 'water_level_threshold_d', 'critical'],
    ['/3411/0/6', 'low_battery', 'minor'],
    ['/3411/0/9', 'supply_loss', 'major'],
  ])('%s true raises %s (%s), false clears it', (path, alarmType, severity) => {
    const evaluator = new AlarmEvaluator(AlarmRuleSet.defaults());
    const state = emptyAlarmState();
    const raised = evaluator.evaluate(device, [m(path, true, 1)], state);
    expect(raised).toEqual([
      {
        ...device,
        action: 'raise',
        alarmType,
        severity,
        ruleId: path.replace(/^\/(\d+)\/\d+\/(\d+)$/, '$1/$2'),
        path,
        time: T0 + 1000,
        value: true,
        raisedAt: T0 + 1000,
      },
    ]);
    expect(evaluator.evaluate(device, [m(path, true, 2)], state)).toEqual([]);
    const cleared = evaluator.evaluate(device, [m(path, false, 3)], state);
    expect(cleared.map((t) => [t.action, t.alarmType, t.time])).toEqual([['clear', alarmType, T0 + 3000]]);
    expect(state.active).toEqual({});
  });

  it('has unique rule ids, each naming a Boolean resource (flag rules) of the newest model', () => {
    expect(new Set(DEFAULT_ALARM_RULES.map((r) => r.id)).size).toBe(DEFAULT_ALARM_RULES.length);
    const registry = loadBundledRegistry();
    const wrong = DEFAULT_ALARM_RULES.filter((r) => {
      const resource = registry.latest(r.objectId)?.resources.get(r.resourceId);
      return r.condition.kind === 'flag' ? resource?.type !== 'boolean' : resource === undefined;
    });
    expect(wrong.map((r) => r.id)).toEqual([]);
  });
});

describe('AlarmEvaluator', () => {
  const evaluator = new AlarmEvaluator(AlarmRuleSet.defaults());

  it('does nothing for a false flag without an active alarm or for resources without rules', () => {
    expect(
      evaluator.evaluate(device, [m('/3416/0/5', false), m('/3416/0/3', 80)], emptyAlarmState()),
    ).toEqual([]);
  });

  it('keeps alarms of different instances apart', () => {
    const state = emptyAlarmState();
    const out = evaluator.evaluate(device, [m('/3416/0/5', true), m('/3416/1/5', true)], state);
    expect(out.map((t) => t.path)).toEqual(['/3416/0/5', '/3416/1/5']);
    expect(evaluator.evaluate(device, [m('/3416/1/5', false)], state).map((t) => [t.action, t.path])).toEqual(
      [['clear', '/3416/1/5']],
    );
  });

  it('evaluates values by time: raise then clear inside one historical batch', () => {
    const out = evaluator.evaluate(
      device,
      [m('/3424/0/10', false, 20), m('/3424/0/10', true, 10)],
      emptyAlarmState(),
    );
    expect(out.map((t) => [t.action, t.time])).toEqual([
      ['raise', T0 + 10_000],
      ['clear', T0 + 20_000],
    ]);
  });

  it('accepts 0/1 integers as flags', () => {
    expect(evaluator.evaluate(device, [m('/3424/0/10', 1)], emptyAlarmState())[0]?.action).toBe('raise');
  });

  it.each([
    // value sequence, expected actions (threshold below 15 %, clears at 20 % : hysteresis)
    [
      [50, 14, 16, 19, 21],
      ['raise@14', 'clear@21'],
    ],
    [
      [10, 30],
      ['raise@10', 'clear@30'],
    ],
    [[15, 20], []],
  ])('threshold rule with hysteresis: %j -> %j', (values, expected) => {
    const rules = AlarmRuleSet.forTenant({
      extraRules: [
        {
          id: 'battery-level',
          objectId: 3411,
          resourceId: 1,
          alarmType: 'low_battery',
          severity: 'minor',
          condition: { kind: 'below', raise: 15, clear: 20 },
          description: 'Battery below 15 %',
        },
      ],
    });
    const e = new AlarmEvaluator(rules);
    const state = emptyAlarmState();
    const actions = values
      .flatMap((v, i) => e.evaluate(device, [m('/3411/0/1', v, i)], state))
      .map((t) => `${t.action}@${t.value}`);
    expect(actions).toEqual(expected);
  });
});

describe('communication loss (derived rule)', () => {
  const evaluator = new AlarmEvaluator(AlarmRuleSet.defaults());
  const lifetime = 3600_000;

  it('raises once after 1.5 x the lifetime of silence and clears when the device is heard again', () => {
    const state: DeviceAlarmState = emptyAlarmState();
    evaluator.evaluate(device, [m('/3424/0/1', 1)], state, T0);
    expect(evaluator.checkSilence(device, state, T0 + 1.5 * lifetime, lifetime)).toBeUndefined();
    const raised = evaluator.checkSilence(device, state, T0 + 1.5 * lifetime + 1, lifetime);
    expect(raised).toMatchObject({
      action: 'raise',
      alarmType: 'communication_loss',
      severity: 'major',
      path: '/',
    });
    expect(evaluator.checkSilence(device, state, T0 + 3 * lifetime, lifetime)).toBeUndefined();
    const cleared = evaluator.evaluate(device, [], state, T0 + 4 * lifetime);
    expect(cleared).toMatchObject([
      { action: 'clear', alarmType: 'communication_loss', time: T0 + 4 * lifetime },
    ]);
  });

  it('waits at least minSilenceMs for devices with short lifetimes', () => {
    const state: DeviceAlarmState = { active: {}, lastSeenAt: T0 };
    expect(evaluator.checkSilence(device, state, T0 + 10 * 60_000, 60_000)).toBeUndefined();
    expect(evaluator.checkSilence(device, state, T0 + 16 * 60_000, 60_000)?.action).toBe('raise');
  });

  it('never raises for a device never heard, or when the tenant disabled it', () => {
    expect(evaluator.checkSilence(device, emptyAlarmState(), T0, 1)).toBeUndefined();
    const off = new AlarmEvaluator(AlarmRuleSet.forTenant({ communicationLoss: { enabled: false } }));
    expect(off.checkSilence(device, { active: {}, lastSeenAt: 0 }, T0, 1)).toBeUndefined();
  });
});

describe('tenant overrides', () => {
  it.each([
    ['disable day burner', { disabled: ['3416/10'] }, '/3416/0/10', undefined],
    ['raise lamp failure as critical', { severity: { '3416/5': 'critical' } }, '/3416/0/5', 'critical'],
    ['keep defaults for other rules', { severity: { '3416/5': 'critical' } }, '/3416/0/7', 'major'],
  ])('%s', (_what, overrides, path, severity) => {
    const e = new AlarmEvaluator(AlarmRuleSet.forTenant(overrides));
    expect(e.evaluate(device, [m(path, true)], emptyAlarmState())[0]?.severity).toBe(severity);
  });

  it('replaces a condition', () => {
    const e = new AlarmEvaluator(AlarmRuleSet.forTenant({ conditions: { '3445/7': { kind: 'flag' } } }));
    expect(e.evaluate(device, [m('/3445/0/7', true)], emptyAlarmState())).toHaveLength(1);
  });

  it.each([
    ['an unknown rule id', { disabled: ['9999/1'] }],
    ['an unknown severity', { severity: { '3416/5': 'fatal' } }],
    ['an unknown key', { disable: ['3416/5'] }],
    ['an extra rule reusing a default id', { extraRules: [{ ...DEFAULT_ALARM_RULES[0] }] }],
  ])('refuses %s', (_what, overrides) => {
    expect(() => AlarmRuleSet.forTenant(overrides)).toThrow(AlarmConfigError);
  });
});
