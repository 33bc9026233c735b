import { type Category } from './measurement';

/**
 * Category of each shipped object: the domain a city or utility role filters on (a water utility sees `water`).
 * Objects not listed here, and unknown objects, are `other`.
 */
export const CATEGORY_BY_OBJECT: ReadonlyMap<number, Category> = new Map<number, Category>([
  // OMA core objects (LwM2M Core 1.1.1 Appendix E)
  [0, 'connectivity'], // Security
  [1, 'connectivity'], // Server
  [2, 'device'], // Access Control
  [3, 'device'], // Device
  [4, 'connectivity'], // Connectivity Monitoring
  [5, 'device'], // Firmware Update
  [6, 'device'], // Location
  [7, 'connectivity'], // Connectivity Statistics
  [21, 'connectivity'], // OSCORE
  // IPSO
  [3200, 'other'], // Digital Input
  [3201, 'other'], // Digital Output
  [3202, 'other'], // Analog Input
  [3203, 'other'], // Analog Output
  [3300, 'environment'], // Generic Sensor
  [3301, 'environment'], // Illuminance
  [3302, 'environment'], // Presence
  [3303, 'environment'], // Temperature
  [3304, 'environment'], // Humidity
  [3306, 'other'], // Actuation
  [3311, 'lighting'], // Light Control
  [3316, 'energy'], // Voltage
  [3317, 'energy'], // Current
  [3328, 'energy'], // Power
  [3331, 'energy'], // Energy
  [3442, 'other'], // LwM2M v1.1 Test Object
  // uCIFI
  [3410, 'device'], // Device Extension
  [3411, 'device'], // Battery
  [3412, 'connectivity'], // LPWAN Communication
  [3413, 'other'], // Generic Actuator
  [3414, 'other'], // Data bridge
  [3415, 'device'], // Time synchronization
  [3416, 'lighting'], // Outdoor lamp controller
  [3417, 'lighting'], // Luminaire asset
  [3418, 'energy'], // Electrical monitor
  [3419, 'lighting'], // Photocell
  [3420, 'lighting'], // LED color light
  [3421, 'energy'], // Single-phase electrical meter
  [3422, 'energy'], // Three-phase electrical meter complement
  [3423, 'gas'], // Gas meter
  [3424, 'water'], // Water meter
  [3425, 'water'], // Irrigation valve
  [3426, 'water'], // Water quality sensor
  [3427, 'water'], // Pressure monitoring sensor
  [3428, 'environment'], // Air quality
  [3429, 'device'], // Tilt sensor
  [3430, 'device'], // GNSS
  [3431, 'mobility'], // Parking sensor
  [3432, 'mobility'], // Traffic counter
  [3433, 'environment'], // Noise sensor
  [3434, 'mobility'], // People counter
  [3435, 'waste'], // Filling level
  [3436, 'scheduling'], // Edge computing manager
  [3437, 'scheduling'], // Edge computing script
  [3438, 'scheduling'], // Edge computing time condition
  [3439, 'scheduling'], // Edge computing generic condition
  [3445, 'water'], // Stream gauge
  [3446, 'environment'], // Rain gauge
  [3447, 'connectivity'], // LPWAN mesh connectivity
  [3448, 'connectivity'], // LPWAN mesh statistics
  [3449, 'environment'], // Anemometer
  [3450, 'environment'], // Wet bulb globe temperature
  [3451, 'device'], // Roll over sensor
  [3452, 'scheduling'], // Program scheduler
  [3453, 'scheduling'], // Calendar rule
  [3454, 'scheduling'], // Program function
  [3455, 'scheduling'], // Input filter
  [3456, 'scheduling'], // Output filter
  [3457, 'scheduling'], // Program manager
  [3458, 'scheduling'], // Program monitor
  [3459, 'connectivity'], // Distributed sensor group
  [3460, 'connectivity'], // Distributed sensor message
  [3461, 'connectivity'], // Sensor group device capabilities
  [3463, 'device'], // uCIFI test object
  [3464, 'other'], // Virtual sensor
]);

export function categoryOf(objectId: number): Category {
  return CATEGORY_BY_OBJECT.get(objectId) ?? 'other';
}

/**
 * Which domain wins when a device carries objects of several: a streetlight controller reports 3416 (lighting)
 * with an electrical monitor 3418 (energy) and is a lighting device; a water meter with a battery object is
 * a water device. Device management, connectivity and scheduling objects never decide.
 */
const DEVICE_CATEGORY_PRIORITY: readonly Category[] = [
  'lighting',
  'water',
  'gas',
  'mobility',
  'waste',
  'environment',
  'energy',
];

/** The category of a device from the objects it registered; undefined when none of them is a domain object. */
export function deviceCategoryOf(objectIds: Iterable<number>): Category | undefined {
  let best: number | undefined;
  for (const objectId of objectIds) {
    const rank = DEVICE_CATEGORY_PRIORITY.indexOf(categoryOf(objectId));
    if (rank >= 0 && (best === undefined || rank < best)) best = rank;
  }
  return best === undefined ? undefined : DEVICE_CATEGORY_PRIORITY[best];
}
