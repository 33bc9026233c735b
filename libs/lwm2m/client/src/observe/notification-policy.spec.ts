import { Lwm2mPath } from '@smartcity/lwm2m-core';
import { AttributeStore, type EffectiveAttributes } from './attribute-store';
import { changeQualifies, nextNotificationAt } from './notification-policy';

describe('changeQualifies (Core 1.1.1 §5.1.2 change value conditions)', () => {
  it.each<[string, EffectiveAttributes, number | undefined, number | undefined, boolean]>([
    ['any change without gt/lt/st', { pmin: 0 }, 10, 11, true],
    ['crossing gt upwards', { pmin: 0, gt: 50 }, 49, 51, true],
    ['crossing gt downwards', { pmin: 0, gt: 50 }, 51, 49, true],
    ['staying above gt', { pmin: 0, gt: 50 }, 51, 60, false],
    ['crossing lt downwards', { pmin: 0, lt: 10 }, 11, 9, true],
    ['staying below lt', { pmin: 0, lt: 10 }, 5, 2, false],
    ['a step of at least st', { pmin: 0, st: 5 }, 10, 15, true],
    ['a step smaller than st', { pmin: 0, st: 5 }, 10, 14.9, false],
    ['a negative step of at least st', { pmin: 0, st: 5 }, 10, 4, true],
    ['any condition among several (st met, gt not crossed)', { pmin: 0, gt: 100, st: 2 }, 10, 13, true],
    ['none of several conditions met', { pmin: 0, gt: 100, lt: 0, st: 20 }, 10, 13, false],
    ['a non-numeric value', { pmin: 0, st: 5 }, 10, undefined, true],
    ['no previous numeric value', { pmin: 0, st: 5 }, undefined, 3, true],
  ])('%s -> %s', (_name, attrs, last, value, expected) => {
    expect(changeQualifies(attrs, last, value)).toBe(expected);
  });
});

describe('nextNotificationAt (pmin / pmax)', () => {
  it.each<[string, EffectiveAttributes, boolean, number | undefined]>([
    ['nothing pending and no pmax: never', { pmin: 10 }, false, undefined],
    ['pending change waits for pmin', { pmin: 10 }, true, 10_000],
    ['pending change with pmin 0 leaves at once', { pmin: 0 }, true, 0],
    ['no change: pmax after the last notification', { pmin: 10, pmax: 60 }, false, 60_000],
    ['pending change before pmax: pmin wins', { pmin: 10, pmax: 60 }, true, 10_000],
  ])('%s', (_name, attrs, pending, expected) => {
    expect(nextNotificationAt(attrs, { lastSentAt: 0, pending })).toBe(expected);
  });
});

describe('AttributeStore', () => {
  const p = Lwm2mPath.parse;

  it('inherits object and instance attributes, a lower level overriding (§5.1.1)', () => {
    const store = new AttributeStore();
    store.write(p('/3416'), { pmin: 5, pmax: 100 });
    store.write(p('/3416/0'), { pmax: 50 });
    store.write(p('/3416/0/3'), { st: 10, pmin: 1 });
    expect(store.effective(p('/3416/0/3'))).toEqual({ pmin: 1, pmax: 50, st: 10 });
    expect(store.effective(p('/3416/1/3'))).toEqual({ pmin: 5, pmax: 100 });
  });

  it('falls back to the server defaults and ignores a pmax below pmin or equal to 0', () => {
    const store = new AttributeStore();
    expect(store.effective(p('/3/0/9'), { pmin: 3, pmax: 30 })).toEqual({ pmin: 3, pmax: 30 });
    store.write(p('/3/0/9'), { pmin: 40 });
    expect(store.effective(p('/3/0/9'), { pmax: 30 })).toEqual({ pmin: 40 });
    store.write(p('/3/0/9'), { pmin: 0, pmax: 0 });
    expect(store.effective(p('/3/0/9'))).toEqual({ pmin: 0 });
  });

  it('removes an attribute written without value (§5.4.4) and keeps gt/lt/st for resources only', () => {
    const store = new AttributeStore();
    store.write(p('/3/0'), { gt: 5, pmin: 2 });
    expect(store.effective(p('/3/0'))).toEqual({ pmin: 2 });
    expect(store.effective(p('/3/0/9'))).toEqual({ pmin: 2, gt: 5 });
    store.write(p('/3/0'), { gt: null });
    expect(store.at(p('/3/0'))).toEqual({ pmin: 2 });
  });
});
