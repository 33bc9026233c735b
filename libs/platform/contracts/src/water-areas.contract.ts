/**
 * Source paths of water area alarms (issue 24), part of the partner contract: an area's own alarms
 * (area_night_flow_rise, area_loss_rate_rise) sit on its inlet meter's device with `alarm.path` set to
 * `/water-area/<area id>` (one active alarm per type and area), so partners tell them from the meter's own
 * (`/3424/0`). The decoder raises and clears them, the gateway lists them and clears them when the area goes.
 */
export const WATER_AREA_ALARM_PATH_PREFIX = '/water-area/';

export function waterAreaAlarmPath(areaId: string): string {
  return `${WATER_AREA_ALARM_PATH_PREFIX}${areaId}`;
}
