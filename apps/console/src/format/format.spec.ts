import {
  formatAge,
  formatDateTime,
  formatPercent,
  formatValue,
  isStale,
  rangeFor,
  unitLabel,
} from './format';

describe('console formatting', () => {
  describe('values with units', () => {
    it.each([
      [{ valueNum: 21.456, unit: 'Cel' }, '21.46 °C'],
      [{ valueNum: 1234.5, unit: 'm3' }, '1,234.5 m³'],
      [{ valueNum: 40, unit: '%' }, '40 %'],
      [{ valueNum: 12.3, unit: 'ug/m3' }, '12.3 µg/m³'],
      [{ valueNum: 3, unit: 'furlong' }, '3 furlong'],
      [{ valueNum: 0, unit: null }, '0'],
      [{ valueBool: true }, 'on'],
      [{ valueBool: false }, 'off'],
      [{ valueText: 'ok' }, 'ok'],
      [{ valueJson: { a: 1 } }, '{"a":1}'],
      [{}, '—'],
    ])('formats %j as %s', (value, expected) => {
      expect(formatValue(value)).toBe(expected);
    });

    it('prefers the number when a resource has several value columns', () => {
      expect(formatValue({ valueNum: 5, valueText: 'five', unit: 'W' })).toBe('5 W');
    });

    it('keeps an unknown unit as the model spells it and shows nothing for none', () => {
      expect(unitLabel('kvarh')).toBe('kvarh');
      expect(unitLabel(null)).toBe('');
    });

    it('uses the locale for separators', () => {
      expect(formatValue({ valueNum: 1234.5, unit: 'kWh' }, 'fr-FR')).toMatch(/^1\s234,5 kWh$/);
    });
  });

  describe('ages', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    it.each([
      ['2026-12-06T12:00:00Z', 'just now'],
      ['2026-12-06T11:59:58Z', 'just now'],
      ['2026-12-06T11:59:18Z', '42 s ago'],
      ['2026-12-06T11:55:00Z', '5 min ago'],
      ['2026-12-06T09:00:00Z', '3 h ago'],
      ['2026-12-04T12:00:00Z', '2 d ago'],
      ['2026-12-06T12:05:00Z', 'just now'],
      ['not a date', 'unknown'],
    ])('%s is %s', (time, expected) => {
      expect(formatAge(time, now)).toBe(expected);
    });

    it('calls a value stale after 15 minutes by default', () => {
      expect(isStale('2026-12-06T11:50:00Z', now)).toBe(false);
      expect(isStale('2026-12-06T11:40:00Z', now)).toBe(true);
      expect(isStale('2026-12-06T11:59:00Z', now, 30_000)).toBe(true);
    });
  });

  describe('time zones', () => {
    it('shows a UTC instant in the city zone with its short name, winter and summer time', () => {
      expect(formatDateTime('2026-12-06T21:15:03Z', 'Europe/Paris')).toBe('2026-12-06 22:15:03 CET');
      expect(formatDateTime('2026-07-01T21:15:03Z', 'Europe/Paris')).toBe('2026-07-01 23:15:03 CEST');
      expect(formatDateTime('2026-07-01T21:15:03Z', 'Europe/Lisbon')).toMatch(/^2026-07-01 22:15:03 /);
      expect(formatDateTime('2026-12-06T21:15:03Z', 'UTC')).toBe('2026-12-06 21:15:03 UTC');
    });

    it('changes the date across midnight in the zone', () => {
      expect(formatDateTime('2026-12-31T23:30:00Z', 'Europe/Paris')).toBe('2027-01-01 00:30:00 CET');
    });

    it('says so for an invalid date', () => {
      expect(formatDateTime('nope', 'UTC')).toBe('invalid date');
    });
  });

  it('gives each bucket its range ending now', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    expect(rangeFor('15m', now)).toEqual({
      from: '2026-12-05T12:00:00.000Z',
      to: '2026-12-06T12:00:00.000Z',
    });
    expect(rangeFor('1m', now).from).toBe('2026-12-06T10:00:00.000Z');
  });

  it('formats percentages and an undefined KPI', () => {
    expect(formatPercent(42.345)).toBe('42.3 %');
    expect(formatPercent(null)).toBe('—');
  });
});
