import { AlarmsResolver } from './alarms/alarms.resolver';
import { BootstrapResolver } from './bootstrap/bootstrap.resolver';
import {
  DeviceBootstrapFieldsResolver,
  DeviceBootstrapResolver,
} from './bootstrap/device-bootstrap.resolver';
import { CommandsResolver } from './commands/commands.resolver';
import { ConformanceResolver } from './interop/conformance.resolver';
import { CredentialsResolver } from './credentials/credentials.resolver';
import { TenantSecurityResolver } from './credentials/tenant-security.resolver';
import { DeviceFieldsResolver, ProvisionedDeviceFieldsResolver } from './devices/device-fields.resolver';
import { DevicesResolver } from './devices/devices.resolver';
import { KpisResolver } from './kpis/kpis.resolver';
import { LightingResolver } from './lighting/lighting.resolver';
import { SubscriptionsResolver } from './live/subscriptions.resolver';
import { MeResolver } from './me/me.resolver';
import { QuotasResolver } from './quotas/quotas.resolver';
import { TelemetryResolver } from './telemetry/telemetry.resolver';
import { TenantsResolver } from './tenants/tenants.resolver';
import { WaterAreasResolver } from './water/water-areas.resolver';
import { PartnersResolver } from './partners/partners.resolver';

/** Every resolver of the API: the app module registers them and the schema export builds the schema from them. */
export const RESOLVERS = [
  MeResolver,
  DevicesResolver,
  DeviceFieldsResolver,
  ProvisionedDeviceFieldsResolver,
  CredentialsResolver,
  TenantSecurityResolver,
  AlarmsResolver,
  TelemetryResolver,
  TenantsResolver,
  KpisResolver,
  SubscriptionsResolver,
  CommandsResolver,
  ConformanceResolver,
  QuotasResolver,
  BootstrapResolver,
  DeviceBootstrapResolver,
  DeviceBootstrapFieldsResolver,
  WaterAreasResolver,
  PartnersResolver,
  LightingResolver,
] as const;
