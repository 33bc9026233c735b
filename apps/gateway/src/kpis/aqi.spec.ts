import { airQualityIndex } from './aqi';

describe('airQualityIndex', () => {
  it.each([
    // Breakpoint ends map to the index ends.
    [0, null, 0],
    [9.0, null, 50],
    [9.1, null, 51],
    [35.4, null, 100],
    [55.5, null, 151],
    [null, 54, 50],
    [null, 155, 101],
    // Linear interpolation: (100-51)/(35.4-9.1)*(20-9.1)+51 = 71.3
    [20, null, 71],
    // Truncation before lookup: 9.05 -> 9.0
    [9.05, null, 50],
    // The highest sub-index wins.
    [10, 300, 173],
    [400, null, 500],
    [null, null, null],
    [-1, null, null],
  ])('pm2.5=%p pm10=%p -> %p', (pm25, pm10, expected) => {
    expect(airQualityIndex(pm25, pm10)).toBe(expected);
  });
});
