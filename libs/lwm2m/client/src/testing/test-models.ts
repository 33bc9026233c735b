import { objectModel, type ObjectModel } from '@smartcity/lwm2m-core';

/** Small models for unit tests, shaped like the real objects they are named after. */
export const TEST_DEVICE: ObjectModel = objectModel(3, 'Device', '1.1', false, [
  [0, 'Manufacturer', 'R', false, false, 'string'],
  [1, 'Model Number', 'R', false, false, 'string'],
  [4, 'Reboot', 'E', false, true, 'none'],
  [6, 'Available Power Sources', 'R', true, false, 'integer'],
  [9, 'Battery Level', 'R', false, false, 'integer', '%'],
  [13, 'Current Time', 'RW', false, false, 'time'],
  [14, 'UTC Offset', 'RW', false, false, 'string'],
]);

export const TEST_SERVER: ObjectModel = objectModel(1, 'LwM2M Server', '1.1', true, [
  [0, 'Short Server ID', 'R', false, true, 'integer'],
  [1, 'Lifetime', 'RW', false, true, 'integer', 's'],
  [2, 'Default Minimum Period', 'RW', false, false, 'integer', 's'],
  [3, 'Default Maximum Period', 'RW', false, false, 'integer', 's'],
  [7, 'Binding', 'RW', false, true, 'string'],
]);

export const TEST_LAMP: ObjectModel = objectModel(3416, 'Outdoor lamp controller', '2.0', true, [
  [1, 'Command', 'RW', false, true, 'integer', '/100'],
  [3, 'Dimming level', 'R', false, true, 'integer', '/100'],
  [4, 'Default dimming level', 'RW', false, false, 'integer', '/100'],
  [5, 'Lamp failure', 'R', false, false, 'boolean'],
  [15, 'Lamp operating hours', 'R', false, false, 'float', 'h'],
  [16, 'Lamp operating hours reset', 'E', false, false, 'none'],
  [30, 'Tags', 'RW', true, false, 'string'],
]);
