/**
 * What the map draws of each device, as one string: two device lists with the same key draw the same markers. Every
 * refresh of the devices query gives new objects; the map compares keys so it redraws its markers only when one
 * changed, and never rebuilds itself (which would reset the operator's zoom and position).
 */
import { type LabelledDevice } from './labels';

export interface MarkerDevice extends LabelledDevice {
  readonly id: string;
  readonly location: { readonly latitude: number; readonly longitude: number };
}

export function markersKey(devices: readonly MarkerDevice[]): string {
  return JSON.stringify(
    devices.map((d) => [
      d.id,
      d.location.latitude,
      d.location.longitude,
      d.endpoint,
      d.name,
      d.category,
      d.online,
      d.activeAlarms.length,
    ]),
  );
}
