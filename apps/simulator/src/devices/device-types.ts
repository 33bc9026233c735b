/** The device families a simulated city is made of, with the code used in their endpoint names. */
export const DEVICE_TYPES = [
  'streetlight',
  'water-meter',
  'gas-meter',
  'electricity-meter',
  'parking',
  'waste-bin',
  'air-quality',
  'noise',
  'tilt',
] as const;

export type DeviceType = (typeof DEVICE_TYPES)[number];

export const ENDPOINT_CODES: Readonly<Record<DeviceType, string>> = {
  streetlight: 'sl',
  'water-meter': 'wm',
  'gas-meter': 'gm',
  'electricity-meter': 'em',
  parking: 'pk',
  'waste-bin': 'wb',
  'air-quality': 'aq',
  noise: 'ns',
  tilt: 'tl',
};

/** Share of each family in a city (streetlights and water meters dominate real deployments). */
export const FLEET_MIX: ReadonlyArray<readonly [DeviceType, number]> = [
  ['streetlight', 35],
  ['water-meter', 20],
  ['gas-meter', 8],
  ['electricity-meter', 7],
  ['parking', 10],
  ['waste-bin', 8],
  ['air-quality', 4],
  ['noise', 4],
  ['tilt', 4],
];

/** Events a test or a demo injects into a device; each applies to one family. */
export const INJECTED_EVENTS = ['leak', 'lamp-failure', 'full-bin', 'tilt'] as const;
export type InjectedEvent = (typeof INJECTED_EVENTS)[number];

export const EVENT_TARGET: Readonly<Record<InjectedEvent, DeviceType>> = {
  leak: 'water-meter',
  'lamp-failure': 'streetlight',
  'full-bin': 'waste-bin',
  tilt: 'tilt',
};
