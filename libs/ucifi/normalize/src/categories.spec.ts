import { deviceCategoryOf } from './categories';

describe('deviceCategoryOf', () => {
  it.each([
    [
      'a streetlight controller with its electrical monitor and GNSS',
      [3, 3410, 3416, 3418, 3419, 3430],
      'lighting',
    ],
    ['a water meter with battery and LPWAN objects', [3, 3424, 3411, 3412], 'water'],
    ['a gas meter', [3, 3423], 'gas'],
    ['a single-phase electricity meter', [3, 3421], 'energy'],
    ['a parking sensor', [3, 3431], 'mobility'],
    ['a waste bin filling sensor', [3, 3435], 'waste'],
    ['an air-quality station', [3, 3428], 'environment'],
  ])('classifies %s', (_name, objects, category) => {
    expect(deviceCategoryOf(objects)).toBe(category);
  });

  it('leaves a device with only management objects unclassified', () => {
    expect(deviceCategoryOf([0, 1, 3, 4, 5])).toBeUndefined();
    expect(deviceCategoryOf([])).toBeUndefined();
  });
});
