/** The operations the console runs against the gateway's public schema (apps/gateway/schema.graphql). */

export const ME = `query Me { me { username tenant roles utilityDomains } }`;

export interface MeData {
  me: { username: string; tenant: string | null; roles: string[]; utilityDomains: string[] };
}

export const KPIS = `query Kpis {
  kpis {
    generatedAt since
    lighting { lampsTotal lampsOn lampsFailed energyTodayKwh }
    water { metersTotal volumeTodayM3 activeLeaks }
    parking { spotsTotal spotsOccupied occupancyPercent }
    waste { binsTotal binsFull }
    airQuality { sensorsTotal worstAqi worstDeviceId }
    energy { energyTodayKwh }
  }
}`;

export interface KpisData {
  kpis: {
    generatedAt: string;
    since: string;
    lighting: { lampsTotal: number; lampsOn: number; lampsFailed: number; energyTodayKwh: number } | null;
    water: { metersTotal: number; volumeTodayM3: number; activeLeaks: number } | null;
    parking: { spotsTotal: number; spotsOccupied: number; occupancyPercent: number | null } | null;
    waste: { binsTotal: number; binsFull: number } | null;
    airQuality: { sensorsTotal: number; worstAqi: number | null; worstDeviceId: string | null } | null;
    energy: { energyTodayKwh: number } | null;
  };
}

export const DEVICES = `query Devices($first: Int!, $after: String, $filter: DeviceFilter) {
  devices(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id endpoint name category online status lastSeenAt location { latitude longitude }
      activeAlarms { id severity } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

export interface DeviceRow {
  id: string;
  endpoint: string;
  name: string | null;
  category: string | null;
  online: boolean;
  status: string;
  lastSeenAt: string | null;
  location: { latitude: number; longitude: number } | null;
  activeAlarms: Array<{ id: string; severity: string }>;
}

export interface DevicesData {
  devices: {
    edges: Array<{ cursor: string; node: DeviceRow }>;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
}

export const DEVICE = `query Device($id: ID!) {
  device(id: $id) {
    id endpoint name category profile online status securityMode createdAt lastSeenAt attributes
    location { latitude longitude }
    registration { status registeredAt lastSeenAt lifetime binding lwm2mVersion queueMode
      objects { objectId version name } }
    state { objectId instanceId objectName objectVersion updatedAt
      resources { path resourceId name metric unit time valueNum valueBool valueText valueJson } }
    activeAlarms { id type severity message raisedAt }
  }
}`;

/** Separate from DEVICE: refreshing the commands must not refresh the values (those arrive live). */
export const COMMANDS = `query Commands($id: ID!) {
  commands(filter: { deviceId: $id }, first: 20) { id type status coapCode error createdAt completedAt issuedBy }
}`;

export interface CommandsData {
  commands: CommandRow[];
}

export interface ResourceStateRow {
  path: string;
  resourceId: number;
  name: string | null;
  metric: string;
  unit: string | null;
  time: string;
  valueNum: number | null;
  valueBool: boolean | null;
  valueText: string | null;
  valueJson: unknown;
}

export interface CommandRow {
  id: string;
  type: string;
  status: string;
  coapCode: string | null;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
  issuedBy: string;
}

export interface DeviceData {
  device: {
    id: string;
    endpoint: string;
    name: string | null;
    category: string | null;
    profile: string | null;
    online: boolean;
    status: string;
    securityMode: string;
    createdAt: string;
    lastSeenAt: string | null;
    attributes: unknown;
    location: { latitude: number; longitude: number } | null;
    registration: {
      status: string;
      registeredAt: string | null;
      lastSeenAt: string | null;
      lifetime: number | null;
      binding: string | null;
      lwm2mVersion: string | null;
      queueMode: boolean | null;
      objects: Array<{ objectId: number; version: string; name: string | null }>;
    };
    state: Array<{
      objectId: number;
      instanceId: number;
      objectName: string | null;
      objectVersion: string | null;
      updatedAt: string;
      resources: ResourceStateRow[];
    }>;
    activeAlarms: Array<{
      id: string;
      type: string;
      severity: string;
      message: string | null;
      raisedAt: string;
    }>;
  } | null;
  commands: CommandRow[];
}

export const DEVICE_STATE_CHANGED = `subscription DeviceStateChanged($deviceId: ID, $category: String) {
  deviceStateChanged(deviceId: $deviceId, category: $category) {
    deviceId values { path metric time unit valueNum valueBool valueText }
  }
}`;

export interface LiveValueRow {
  path: string;
  metric: string;
  time: string;
  unit: string | null;
  valueNum: number | null;
  valueBool: boolean | null;
  valueText: string | null;
}

export interface DeviceStateChangedData {
  deviceStateChanged: { deviceId: string; values: LiveValueRow[] };
}

export const COMMAND_UPDATED = `subscription CommandUpdated($deviceId: ID) {
  commandUpdated(deviceId: $deviceId) { id type status coapCode error createdAt completedAt issuedBy }
}`;

export const TELEMETRY = `query Telemetry($deviceId: ID!, $path: String!, $from: DateTime!, $to: DateTime!, $bucket: String!) {
  telemetry(deviceId: $deviceId, path: $path, from: $from, to: $to, bucket: $bucket, aggregate: AVG) {
    unit points { time value count }
  }
}`;

export interface TelemetryData {
  telemetry: { unit: string | null; points: Array<{ time: string; value: number | null; count: number }> };
}

const BULK_RESULT = `batchId commands { id status } refused { deviceId reason }`;

export const SET_LAMP_LEVEL = `mutation SetLampLevel($devices: DeviceTargets!, $level: Int!) {
  setLampLevel(devices: $devices, level: $level) { ${BULK_RESULT} }
}`;

export const SWITCH_LAMPS = `mutation SwitchLamps($devices: DeviceTargets!, $on: Boolean!) {
  switchLamps(devices: $devices, on: $on) { ${BULK_RESULT} }
}`;

export interface BulkResult {
  batchId: string;
  commands: Array<{ id: string; status: string }>;
  refused: Array<{ deviceId: string | null; reason: string }>;
}

export const ALARMS = `query Alarms($status: AlarmStatus, $first: Int!) {
  alarms(first: $first, filter: { status: $status }) {
    edges { node { id type severity status message raisedAt acknowledgedAt acknowledgedBy clearedAt deviceId
      device { endpoint name category } } }
  }
}`;

export interface AlarmRow {
  id: string;
  type: string;
  severity: string;
  status: string;
  message: string | null;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  clearedAt: string | null;
  deviceId: string;
  device: { endpoint: string; name: string | null; category: string | null } | null;
}

export interface AlarmsData {
  alarms: { edges: Array<{ node: AlarmRow }> };
}

export const ALARM_CHANGED = `subscription AlarmChanged { alarmChanged { kind alarm { id } } }`;
export const ACKNOWLEDGE_ALARM = `mutation Ack($id: ID!) { acknowledgeAlarm(id: $id) { id status acknowledgedAt acknowledgedBy } }`;
export const CLEAR_ALARM = `mutation Clear($id: ID!) { clearAlarm(id: $id) { id status clearedAt } }`;

export const PROVISION_DEVICE = `mutation Provision($input: ProvisionDeviceInput!) {
  provisionDevice(input: $input) { id endpoint generatedPsk { identity keyHex } }
}`;

export interface ProvisionData {
  provisionDevice: {
    id: string;
    endpoint: string;
    generatedPsk: { identity: string; keyHex: string } | null;
  };
}

export const PROVISION_DEVICES = `mutation ProvisionMany($devices: [ProvisionDeviceInput!]!) {
  provisionDevices(devices: $devices) {
    created { id endpoint generatedPsk { identity keyHex } }
    skipped { endpoint reason }
  }
}`;

export interface ProvisionManyData {
  provisionDevices: {
    created: Array<{
      id: string;
      endpoint: string;
      generatedPsk: { identity: string; keyHex: string } | null;
    }>;
    skipped: Array<{ endpoint: string; reason: string }>;
  };
}
