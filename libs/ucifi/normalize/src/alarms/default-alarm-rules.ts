import { type AlarmCondition, type AlarmRule, type CommunicationLossRule, type Severity } from './alarm-rule';

const FLAG: AlarmCondition = { kind: 'flag' };

function rule(
  objectId: number,
  resourceId: number,
  alarmType: string,
  severity: Severity,
  description: string,
  condition: AlarmCondition = FLAG,
): AlarmRule {
  return {
    id: `${objectId}/${resourceId}`,
    objectId,
    resourceId,
    alarmType,
    severity,
    condition,
    description,
  };
}

/**
 * Default alarm table: uCIFI resources that signal a problem. Resource ids are stable across object versions (a
 * removed resource simply never reports). Severity: critical = safety or service lost, major = service degraded or
 * revenue at risk, minor = needs a visit, warning = watch.
 */
export const DEFAULT_ALARM_RULES: readonly AlarmRule[] = [
  // 3416 Outdoor lamp controller
  rule(3416, 5, 'lamp_failure', 'major', 'Lamp failure'),
  rule(3416, 7, 'control_gear_failure', 'major', 'Control gear (driver) failure'),
  rule(3416, 9, 'relay_failure', 'major', 'Relay failure'),
  rule(3416, 10, 'day_burner', 'minor', 'Lamp on during daytime (energy waste)'),
  rule(3416, 11, 'cycling_failure', 'minor', 'Lamp cycling on and off'),
  rule(3416, 12, 'control_gear_communication_failure', 'minor', 'Controller cannot talk to the control gear'),
  rule(3416, 22, 'thermal_derating', 'warning', 'Control gear reduces output because of temperature'),
  rule(3416, 25, 'thermal_shutdown', 'major', 'Control gear shut down because of temperature'),
  rule(3416, 65, 'lamp_end_of_life', 'warning', 'Lamp exceeded its maximum operating hours'),
  // 3418 Electrical monitor
  rule(3418, 9, 'low_power_factor', 'warning', 'Power factor below threshold'),
  rule(3418, 12, 'low_power', 'minor', 'Active power below threshold'),
  rule(3418, 15, 'high_power', 'minor', 'Active power above threshold'),
  rule(3418, 17, 'low_current', 'minor', 'Supply current below threshold'),
  rule(3418, 19, 'high_current', 'major', 'Supply current above threshold'),
  rule(3418, 21, 'low_voltage', 'minor', 'Supply voltage below threshold'),
  rule(3418, 23, 'high_voltage', 'major', 'Supply voltage above threshold'),
  rule(3418, 25, 'critical_inrush_current', 'major', 'Inrush current above the critical threshold'),
  // 3421 / 3422 Electricity meters
  rule(3421, 3, 'low_voltage', 'minor', 'Phase voltage below threshold'),
  rule(3421, 5, 'high_voltage', 'major', 'Phase voltage above threshold'),
  rule(3421, 8, 'low_current', 'minor', 'Phase current below threshold'),
  rule(3421, 10, 'high_current', 'major', 'Phase current above threshold'),
  rule(3421, 15, 'low_power_factor', 'warning', 'Power factor below threshold'),
  rule(3421, 53, 'voltage_cut', 'critical', 'Voltage cut (missing voltage)'),
  rule(3421, 58, 'unexpected_load', 'minor', 'Load where none is expected'),
  rule(3422, 35, 'voltage_cut', 'critical', 'Voltage cut on a phase'),
  rule(3422, 40, 'low_power_factor', 'warning', 'Overall power factor below threshold'),
  rule(3422, 41, 'excessive_load', 'major', 'Excessive load'),
  rule(3422, 42, 'unexpected_load', 'minor', 'Load where none is expected'),
  // 3424 Water meter
  rule(3424, 9, 'leak_suspected', 'minor', 'Water leak suspected'),
  rule(3424, 10, 'leak_detected', 'major', 'Water leak detected'),
  rule(3424, 11, 'back_flow', 'major', 'Back flow detected'),
  rule(3424, 12, 'meter_blocked', 'major', 'Water meter blocked'),
  rule(3424, 13, 'fraud_detected', 'major', 'Fraud (tampering) detected on the meter'),
  // 3423 Gas meter
  rule(3423, 9, 'leak_suspected', 'major', 'Gas leak suspected'),
  rule(3423, 10, 'leak_detected', 'critical', 'Gas leak detected'),
  rule(3423, 11, 'high_temperature', 'major', 'Gas meter temperature too high'),
  // 3427 Pressure monitoring
  rule(3427, 3, 'leak_detected', 'major', 'Pipe leak detected from pressure'),
  rule(3427, 4, 'water_hammer', 'minor', 'Hammer effect detected'),
  // 3429 Tilt / 3451 Roll over / 3430 GNSS
  rule(3429, 6, 'out_of_position', 'major', 'Asset tilted beyond its threshold'),
  rule(3429, 12, 'shock_detected', 'major', 'Shock detected on the asset'),
  rule(3451, 6, 'out_of_position', 'major', 'Asset rolled beyond its threshold'),
  rule(3430, 33, 'out_of_position', 'minor', 'Asset away from its expected location'),
  // 3431 Parking
  rule(3431, 4, 'forbidden_parking', 'warning', 'Vehicle parked where forbidden'),
  // 3435 Filling level (waste containers, tanks)
  rule(3435, 5, 'container_full', 'minor', 'Container full'),
  rule(3435, 12, 'container_moved', 'minor', 'Container out of its location'),
  rule(3435, 13, 'container_tipped', 'major', 'Container out of position (tipped over)'),
  rule(3435, 21, 'cover_open', 'warning', 'Container cover open'),
  rule(3435, 22, 'fire', 'critical', 'Container temperature alarm (fire)'),
  rule(3435, 23, 'water_infiltration', 'minor', 'Water infiltration in the container'),
  // 3445 Stream gauge thresholds A-D (increasing water levels)
  rule(3445, 7, 'water_level_threshold_a', 'warning', 'Water level above threshold A'),
  rule(3445, 10, 'water_level_threshold_b', 'minor', 'Water level above threshold B'),
  rule(3445, 13, 'water_level_threshold_c', 'major', 'Water level above threshold C'),
  rule(3445, 16, 'water_level_threshold_d', 'critical', 'Water level above threshold D'),
  // 3433 Noise, 3450 WBGT
  rule(3433, 1, 'gunshot_detected', 'critical', 'Gunshot detected'),
  rule(3433, 2, 'abnormal_noise', 'minor', 'Abnormal noise detected'),
  rule(3450, 4, 'heat_stress', 'major', 'Wet bulb globe temperature above threshold'),
  // 3411 Battery
  rule(3411, 6, 'low_battery', 'minor', 'Battery level too low'),
  rule(3411, 7, 'battery_shutdown', 'major', 'Battery shut down'),
  rule(3411, 9, 'supply_loss', 'major', 'External power supply lost'),
];

export const DEFAULT_COMMUNICATION_LOSS_RULE: CommunicationLossRule = {
  id: 'communication_loss',
  alarmType: 'communication_loss',
  severity: 'major',
  factor: 1.5,
  minSilenceMs: 15 * 60_000,
  enabled: true,
};
