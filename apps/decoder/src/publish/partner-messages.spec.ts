import { partnerSchemaValidators } from '@smartcity/platform-contracts';
import { type AlarmRow } from '../alarms/alarm.sql';
import { type DecodedData } from '../uplink/decoded-uplink';
import fc from 'fast-check';
import {
  alarmEvent,
  deviceEvent,
  isoFromSeconds,
  telemetryMessage,
  telemetryMessages,
} from './partner-messages';

const validators = partnerSchemaValidators();
const deviceId = '6f1c1a52-8f43-4a3e-9a59-5e3c3a0f0d11';
const common = {
  v: 1 as const,
  id: 'ingest-1:42',
  tenant: 'lyon',
  endpoint: 'lyon-light-0001',
  deviceId,
  registrationId: 'r1',
  instanceId: 'ingest-1',
  receivedAt: 1_764_000_000_123,
  objectVersions: { '3416': '2.0' },
};

describe('partner messages', () => {
  it('builds telemetry messages that validate against the AsyncAPI schema', () => {
    const decoded: DecodedData = {
      kind: 'data',
      origin: { topic: 't', partition: 0, offset: '0' },
      message: { ...common, kind: 'send', contentFormat: 110, payload: '' },
      values: [
        {
          timeSec: 1_764_000_000.5,
          path: '/3416/0/5',
          metric: 'streetlight.dimming_level',
          valueNum: 80,
          valueBool: null,
          valueText: null,
          valueJson: null,
          unit: '%',
          quality: null,
        },
        {
          timeSec: 1_764_000_000,
          path: '/3416/0/10',
          metric: 'streetlight.lamp_failure',
          valueNum: null,
          valueBool: true,
          valueText: null,
          valueJson: null,
          unit: null,
          quality: '{"indicator":3}',
        },
      ],
      alarms: [],
    };
    const msg = telemetryMessage(decoded);
    expect(validators.telemetry(JSON.parse(JSON.stringify(msg)))).toBe(true);
    expect(msg.measurements[0]).toEqual({
      time: '2025-11-24T16:00:00.500Z',
      path: '/3416/0/5',
      metric: 'streetlight.dimming_level',
      value: 80,
      unit: '%',
    });
    expect(msg.measurements[1]?.quality).toEqual({ indicator: 3 });
  });

  it.each([
    [
      'registration',
      {
        kind: 'registration',
        lwm2mVersion: '1.1',
        lifetime: 300,
        binding: 'UQ',
        queueMode: true,
        links: '</3/0>',
        address: '1.2.3.4:5',
      },
      'device.registered',
    ],
    ['update', { kind: 'update', lifetime: 600, address: '1.2.3.4:5' }, 'device.updated'],
    ['deregistration', { kind: 'deregistration' }, 'device.deregistered'],
    ['expiry', { kind: 'expiry' }, 'device.expired'],
  ])('builds a %s device event that validates', (_n, extra, type) => {
    const event = deviceEvent({ ...common, ...extra } as Parameters<typeof deviceEvent>[0]);
    expect(event.type).toBe(type);
    expect(validators.event(JSON.parse(JSON.stringify(event)))).toBe(true);
  });

  it.each([
    ['ACTIVE', null, 'alarm.raised'],
    ['CLEARED', new Date('2026-11-25T10:05:00Z'), 'alarm.cleared'],
  ] as const)('builds a %s alarm event that validates', (status, clearedAt, type) => {
    const row: AlarmRow = {
      id: '0b9ef7d3-42a2-4a57-8d0c-2b1b7f0b9a01',
      tenant_id: 'lyon',
      device_id: deviceId,
      type: 'lamp_failure',
      severity: 'MAJOR',
      status,
      message: 'Lamp failure',
      source_path: '/3416/0/10',
      details: { ruleId: '3416/10' },
      raised_at: new Date('2026-11-25T10:00:00Z'),
      cleared_at: clearedAt,
      acknowledged_at: null,
      acknowledged_by: null,
    };
    const event = alarmEvent(row);
    expect(event.type).toBe(type);
    expect(event.id).toBe(`${row.id}:${type === 'alarm.raised' ? 'raised' : 'cleared'}`);
    expect(validators.event(JSON.parse(JSON.stringify(event)))).toBe(true);
  });

  it('the schemas reject a message missing its measurements (they can fail)', () => {
    expect(validators.telemetry({ id: 'x', tenant: 'lyon' })).toBe(false);
    expect(validators.event({ id: 'x', type: 'alarm.raised' })).toBe(false);
  });

  it('formats times exactly like Date#toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoFromSeconds(ms / 1000)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
    expect(isoFromSeconds(1_764_000_000.0004)).toBe('2025-11-24T16:00:00.000Z');
  });
});

describe('telemetryMessages', () => {
  it('splits a large uplink into messages of at most 500 measurements with stable ids', () => {
    const values = Array.from({ length: 1201 }, (_, i) => ({
      timeSec: 1_764_000_000 + i,
      path: '/3303/0/5700',
      metric: 'temperature.sensor_value',
      valueNum: i,
      valueBool: null,
      valueText: null,
      valueJson: null,
      unit: 'Cel',
      quality: null,
    }));
    const decoded = {
      kind: 'data' as const,
      origin: { topic: 't', partition: 0, offset: '0' },
      message: {
        v: 1 as const,
        id: 'ingest-1:7',
        tenant: 'lyon',
        endpoint: 'ep',
        deviceId: '6f1c1a52-8f43-4a3e-9a59-5e3c3a0f0d11',
        registrationId: 'r',
        instanceId: 'i',
        receivedAt: 0,
        objectVersions: {},
        kind: 'send' as const,
        contentFormat: 110,
        payload: '',
      },
      values,
      alarms: [],
    };
    const parts = telemetryMessages(decoded);
    expect(parts.map((p) => [p.id, p.measurements.length])).toEqual([
      ['ingest-1:7', 500],
      ['ingest-1:7#1', 500],
      ['ingest-1:7#2', 201],
    ]);
    expect(parts.flatMap((p) => p.measurements.map((m) => m.value))).toEqual(values.map((v) => v.valueNum));
    expect(telemetryMessages({ ...decoded, values: values.slice(0, 3) }).map((p) => p.id)).toEqual([
      'ingest-1:7',
    ]);
  });
});
