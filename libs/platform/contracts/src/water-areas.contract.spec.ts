import { WATER_AREA_ALARM_PATH_PREFIX, waterAreaAlarmPath } from './water-areas.contract';

describe('waterAreaAlarmPath', () => {
  it('is the path partners see on an area alarm, distinct from any LwM2M object path', () => {
    const path = waterAreaAlarmPath('0d5f3c1e-8a4b-4c2d-9e6f-7a8b9c0d1e2f');
    expect(path).toBe('/water-area/0d5f3c1e-8a4b-4c2d-9e6f-7a8b9c0d1e2f');
    expect(path.startsWith(WATER_AREA_ALARM_PATH_PREFIX)).toBe(true);
    expect('/3424/0'.startsWith(WATER_AREA_ALARM_PATH_PREFIX)).toBe(false);
  });
});
