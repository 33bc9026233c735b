import { Lwm2mPath, type Lwm2mRecord } from '@smartcity/lwm2m-core';

const rec = (path: string, type: Lwm2mRecord['type'], value: unknown, time?: number): Lwm2mRecord =>
  ({ path: Lwm2mPath.parse(path), type, value, ...(time === undefined ? {} : { time }) }) as Lwm2mRecord;

const T0 = 1767225600; // 2026-01-01T00:00:00Z

/** A streetlight Observe/Read: Outdoor lamp controller 3416 v3.0 and Electrical monitor 3418 v2.1. */
export const STREETLIGHT: Lwm2mRecord[] = [
  rec('/3416/0/1', 'integer', 80),
  rec('/3416/0/2', 'integer', 80),
  rec('/3416/0/3', 'integer', 78),
  rec('/3416/0/5', 'boolean', false),
  rec('/3416/0/7', 'boolean', false),
  rec('/3416/0/10', 'boolean', false),
  rec('/3416/0/15', 'float', 18234.25),
  rec('/3416/0/21', 'float', 41.5),
  rec('/3416/0/44', 'float', 229.8),
  rec('/3416/0/45', 'float', 0.187),
  rec('/3416/0/46', 'float', 42.9),
  rec('/3416/0/47', 'float', 1287.431),
  rec('/3416/0/5518', 'time', T0),
  rec('/3418/0/1', 'float', 231.2),
  rec('/3418/0/2', 'float', 0.194),
  rec('/3418/0/3', 'float', 50.01),
  rec('/3418/0/4', 'float', 44.1),
  rec('/3418/0/5', 'float', 0.97),
  rec('/3418/0/6', 'float', 1302456.5),
  rec('/3418/0/9', 'boolean', false),
  rec('/3418/0/12', 'boolean', false),
  rec('/3418/0/15', 'boolean', false),
  rec('/3418/0/5518', 'time', T0),
];

/** A water meter 3424 v1.1 report. */
export const WATER_METER: Lwm2mRecord[] = [
  rec('/3424/0/1', 'float', 1234.567),
  rec('/3424/0/3', 'string', 'DN15 ultrasonic'),
  rec('/3424/0/4', 'integer', 1234567),
  rec('/3424/0/6', 'integer', 1000),
  rec('/3424/0/7', 'float', 0.0000125),
  rec('/3424/0/8', 'float', 0.000833),
  rec('/3424/0/9', 'boolean', false),
  rec('/3424/0/10', 'boolean', false),
  rec('/3424/0/11', 'boolean', false),
  rec('/3424/0/12', 'boolean', false),
  rec('/3424/0/13', 'boolean', false),
  rec('/3424/0/5518', 'time', T0),
];

/** A Send (Core 1.1.1 §6.4) of 100 historical values: 15-minute water volumes and streetlight energy. */
export const SEND_100: Lwm2mRecord[] = Array.from({ length: 100 }, (_, i) =>
  i % 2 === 0
    ? rec('/3424/0/1', 'float', 1234.567 + i * 0.0125, T0 + i * 900)
    : rec('/3418/0/6', 'float', 1302456.5 + i * 11.25, T0 + i * 900),
);
