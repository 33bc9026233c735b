import { DEFAULT_NIGHT_FLOW_RULE, waterSettings, WaterSettingsError } from './water-settings';

describe('water settings of a tenant', () => {
  it('defaults: UTC, 02:00-04:00, 3 nights above 0.02 m3/h, horizon 3 days', () => {
    const s = waterSettings(undefined);
    expect(s.timeZone).toBe('UTC');
    expect([s.nightStartMin, s.nightEndMin]).toEqual([120, 240]);
    expect(s.horizonDays).toBe(3);
    expect(s.nightFlowRule('water')).toEqual(DEFAULT_NIGHT_FLOW_RULE);
  });

  it('a category rule overrides the tenant rule, which overrides the defaults', () => {
    const s = waterSettings({
      timeZone: 'Europe/Lisbon',
      nightFlow: { thresholdM3h: 0.03, nights: 2, categories: { 'bulk-dn80': { thresholdM3h: 0.5 } } },
    });
    expect(s.nightFlowRule(null)).toMatchObject({ thresholdM3h: 0.03, clearM3h: 0.03, nights: 2 });
    expect(s.nightFlowRule('bulk-dn80')).toMatchObject({ thresholdM3h: 0.5, clearM3h: 0.5, nights: 2 });
    expect(s.nightFlowRule('other')).toMatchObject({ thresholdM3h: 0.03 });
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }],
    [{ nightWindow: { start: '2:00', end: '04:00' } }],
    [{ nightFlow: { nights: 0 } }],
    [{ unknown: true }],
  ])('refuses %j', (raw) => {
    expect(() => waterSettings(raw)).toThrow(WaterSettingsError);
  });
});
