import { clusterByDistance } from './cluster';

describe('clustering of map markers by screen distance', () => {
  const at = (x: number, y: number) => ({ x, y });
  it('groups points within the radius and keeps farther points apart', () => {
    const clusters = clusterByDistance([at(1, 1), at(10, 30), at(70, 5), at(200, 200)], (p) => p, 40);
    expect(clusters.map((c) => c.items.length).sort()).toEqual([1, 1, 2]);
    const pair = clusters.find((c) => c.items.length === 2)!;
    expect(pair.x).toBeCloseTo(5.5);
    expect(pair.y).toBeCloseTo(15.5);
  });

  it('never splits two close points, wherever they are on screen', () => {
    for (const x of [0, 47.9, 48, 95.99, -0.5]) {
      expect(clusterByDistance([at(x, x), at(x + 1, x + 1)], (p) => p, 48)).toHaveLength(1);
    }
  });

  it('gives one marker per point when the radius is smaller than their distance', () => {
    expect(clusterByDistance([at(0, 0), at(10, 0), at(20, 0)], (p) => p, 5)).toHaveLength(3);
    expect(clusterByDistance([], (p: { x: number; y: number }) => p, 60)).toEqual([]);
  });
});
