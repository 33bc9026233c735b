/**
 * Marker clustering by screen distance: a device joins the first cluster whose first member is within `radiusPx`
 * (at the current zoom), otherwise it starts a cluster. Unlike a fixed grid, two devices a few metres apart are
 * never split by a cell edge. Greedy and O(devices x clusters), enough for a city page of devices. Pure, so it is
 * tested without a map.
 */
export interface Cluster<T> {
  readonly items: readonly T[];
  /** Mean screen position of the members. */
  readonly x: number;
  readonly y: number;
}

export function clusterByDistance<T>(
  items: readonly T[],
  toPixel: (item: T) => { x: number; y: number },
  radiusPx: number,
): Cluster<T>[] {
  const clusters: Array<{ items: T[]; ax: number; ay: number; sx: number; sy: number }> = [];
  for (const item of items) {
    const p = toPixel(item);
    const near = clusters.find((c) => Math.hypot(c.ax - p.x, c.ay - p.y) <= radiusPx);
    if (near) {
      near.items.push(item);
      near.sx += p.x;
      near.sy += p.y;
    } else {
      clusters.push({ items: [item], ax: p.x, ay: p.y, sx: p.x, sy: p.y });
    }
  }
  return clusters.map((c) => ({ items: c.items, x: c.sx / c.items.length, y: c.sy / c.items.length }));
}
