import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../common/json.scalar';
import { DeviceCredentialInput, GeneratedPsk, SecurityMode } from '../credentials/credential.models';
import { DeviceStatus, RegistrationStatus } from './device.enums';

export { DeviceStatus, RegistrationStatus };

registerEnumType(RegistrationStatus, {
  name: 'RegistrationStatus',
  description:
    'LwM2M registration state (Core 1.1.1 §6.2): EXPIRED when the lifetime passed without an Update.',
});

registerEnumType(DeviceStatus, {
  name: 'DeviceStatus',
  description: 'Filter: registered, not registered, active alarm.',
});

@ObjectType()
export class GeoPoint {
  @Field(() => Float) latitude!: number;
  @Field(() => Float) longitude!: number;
}

@ObjectType({ description: "A provisioned LwM2M device of the caller's tenant." })
export class Device {
  @Field(() => ID) id!: string;
  @Field({ description: 'LwM2M endpoint client name, unique platform-wide.' }) endpoint!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true, description: 'Domain category, e.g. lighting, water, parking.' })
  category!: string | null;
  @Field(() => String, { nullable: true }) profile!: string | null;
  @Field(() => GeoPoint, { nullable: true }) location!: GeoPoint | null;
  @Field(() => JsonScalar) attributes!: Record<string, unknown>;
  @Field(() => RegistrationStatus) status!: RegistrationStatus;
  @Field({ description: 'Registered and within its lifetime.' }) online!: boolean;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) decommissionedAt!: Date | null;
  @Field() autoProvisioned!: boolean;
  @Field(() => SecurityMode, {
    description: 'How the device authenticates; NOSEC when it has no credential.',
  })
  securityMode!: SecurityMode;

  /** Not exposed: field resolvers check it against the caller's tenant (defense in depth over RLS). */
  tenantId!: string;
  /** Exposed by a field resolver, to the tenant's admins only. */
  pskIdentity!: string | null;
}

@ObjectType({
  description:
    'A device as provisioning returns it: the Device, and the PSK the platform generated for it when asked to ' +
    '(shown here once; no query returns it).',
})
export class ProvisionedDevice extends Device {
  @Field(() => GeneratedPsk, { nullable: true }) generatedPsk!: GeneratedPsk | null;
}

@ObjectType({
  description: "A device's new credential; the generated PSK, when one was asked for, shown once.",
})
export class DeviceCredentialChange {
  @Field(() => Device) device!: Device;
  @Field(() => GeneratedPsk, { nullable: true }) generatedPsk!: GeneratedPsk | null;
}

@ObjectType({ description: 'An object the device announced, with its version (Core 1.1.1 §6.2.1 `ver`).' })
export class AnnouncedObject {
  @Field(() => Int) objectId!: number;
  @Field() version!: string;
  @Field(() => String, { nullable: true, description: 'Name from the object model, when known.' })
  name!: string | null;
}

@ObjectType({ description: 'The current LwM2M registration (Core 1.1.1 §6.2.1).' })
export class Registration {
  @Field() endpoint!: string;
  @Field(() => String, { nullable: true }) registrationId!: string | null;
  @Field(() => RegistrationStatus) status!: RegistrationStatus;
  @Field(() => String, { nullable: true }) lwm2mVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'Binding mode, e.g. U or UQ.' }) binding!:
    string | null;
  @Field(() => Int, { nullable: true, description: 'Lifetime in seconds.' }) lifetime!: number | null;
  @Field(() => Boolean, { nullable: true }) queueMode!: boolean | null;
  @Field(() => Date, { nullable: true }) registeredAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => Date, { nullable: true }) statusChangedAt!: Date | null;
  @Field(() => [AnnouncedObject]) objects!: AnnouncedObject[];
}

@ObjectType({ description: 'Latest value of one resource.' })
export class ResourceState {
  @Field({ description: 'LwM2M path, e.g. /3424/0/1.' }) path!: string;
  @Field(() => Int) resourceId!: number;
  @Field(() => Int, { nullable: true, description: 'Resource instance id of multi-instance resources.' })
  resourceInstanceId!: number | null;
  @Field({ description: 'Normalized metric key.' }) metric!: string;
  @Field(() => String, { nullable: true, description: 'Resource name from the object model.' }) name!:
    string | null;
  @Field(() => Float, { nullable: true }) valueNum!: number | null;
  @Field(() => Boolean, { nullable: true }) valueBool!: boolean | null;
  @Field(() => String, { nullable: true }) valueText!: string | null;
  @Field(() => JsonScalar, { nullable: true }) valueJson!: unknown;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Date) time!: Date;
  @Field(() => String, { nullable: true }) quality!: string | null;
}

@ObjectType({ description: 'Latest values of one object instance, e.g. /3424/0.' })
export class ObjectInstanceState {
  @Field(() => Int) objectId!: number;
  @Field(() => Int) instanceId!: number;
  @Field(() => String, { nullable: true }) objectName!: string | null;
  @Field(() => String, { nullable: true, description: 'Object version the device announced.' })
  objectVersion!: string | null;
  @Field(() => Date, { description: 'Time of the newest value of the instance.' }) updatedAt!: Date;
  @Field(() => [ResourceState]) resources!: ResourceState[];
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class DeviceEdge {
  @Field() cursor!: string;
  @Field(() => Device) node!: Device;
}

@ObjectType()
export class DeviceConnection {
  @Field(() => [DeviceEdge]) edges!: DeviceEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class BoundingBoxInput {
  @Field(() => Float) minLatitude!: number;
  @Field(() => Float) minLongitude!: number;
  @Field(() => Float) maxLatitude!: number;
  @Field(() => Float) maxLongitude!: number;
}

@InputType()
export class DeviceFilter {
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => Int, { nullable: true, description: 'Devices that announced this LwM2M object id.' })
  objectId?: number | null;
  @Field(() => DeviceStatus, { nullable: true }) status?: DeviceStatus | null;
  @Field(() => String, { nullable: true, description: 'Substring of the endpoint or name.' }) search?:
    string | null;
  @Field(() => BoundingBoxInput, { nullable: true }) bbox?: BoundingBoxInput | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) includeDecommissioned?: boolean | null;
}

@InputType()
export class GeoPointInput {
  @Field(() => Float) latitude!: number;
  @Field(() => Float) longitude!: number;
}

@InputType()
export class ProvisionDeviceInput {
  @Field() endpoint!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => String, { nullable: true }) profile?: string | null;
  @Field(() => GeoPointInput, { nullable: true }) location?: GeoPointInput | null;
  @Field(() => JsonScalar, { nullable: true }) attributes?: Record<string, unknown> | null;
  @Field(() => DeviceCredentialInput, {
    nullable: true,
    description: 'How the device authenticates (tenant admins); none = NoSec, where the tenant allows it.',
  })
  credential?: DeviceCredentialInput | null;
}

@InputType()
export class UpdateDeviceInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => String, { nullable: true }) profile?: string | null;
  @Field(() => GeoPointInput, { nullable: true }) location?: GeoPointInput | null;
  @Field(() => JsonScalar, { nullable: true }) attributes?: Record<string, unknown> | null;
}

@ObjectType()
export class SkippedDevice {
  @Field() endpoint!: string;
  @Field({
    description:
      'Why it was not created: ENDPOINT_TAKEN, CREDENTIAL_TAKEN (the PSK identity or public key is in use), ' +
      'DUPLICATE_IN_REQUEST. Taken means taken anywhere on the platform: the answer never says by whom.',
  })
  reason!: string;
}

@ObjectType()
export class BulkProvisionResult {
  @Field(() => [ProvisionedDevice]) created!: ProvisionedDevice[];
  @Field(() => [SkippedDevice]) skipped!: SkippedDevice[];
}
