import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from '../common/json.scalar';

@ObjectType({
  description:
    'An object instance the bootstrap server writes after the server account (LwM2M Core 1.1.1 §6.1.7.4), e.g. a ' +
    'uCIFI lighting default. A device without the object answers 4.04 and the write is skipped (see its events).',
})
export class BootstrapObjectWrite {
  @Field({ description: 'Object instance path, e.g. /3416/0 (not /0 or /1: the platform writes those).' })
  path!: string;
  @Field(() => JsonScalar, {
    description:
      'Resource id -> value, typed by the object model, e.g. {"4": 40}; multi-instance: {"5": {"0": 1}}.',
  })
  values!: Record<string, unknown>;
  @Field(() => [String], {
    description: 'Device categories it applies to; empty: every device of the tenant.',
  })
  categories!: readonly string[];
  @Field(() => String, {
    nullable: true,
    description: 'Object version whose model types the values; default: the latest the platform knows.',
  })
  objectVersion?: string | null;
}

@InputType()
export class BootstrapObjectWriteInput {
  @Field() path!: string;
  @Field(() => JsonScalar) values!: Record<string, unknown>;
  @Field(() => [String], { nullable: true, description: 'Default: every category.' }) categories?:
    string[] | null;
  @Field(() => String, { nullable: true }) objectVersion?: string | null;
}

@ObjectType({
  description:
    "The LwM2M server account the tenant's bootstrap server writes into its devices (LwM2M Core 1.1.1 §6.1; " +
    'Security object §E.1, Server object §E.2). The LwM2M server PSK is generated per device at each bootstrap, ' +
    'never the bootstrap key.',
})
export class BootstrapConfig {
  @Field({ description: 'coap:// or coaps://host:port of the LwM2M server (the ingest).' })
  serverUri!: string;
  @Field(() => Int, { description: 'Registration lifetime in seconds (Server resource 1).' })
  lifetime!: number;
  @Field({ description: 'Binding (Server resource 7), e.g. U.' }) binding!: string;
  @Field(() => Int, { description: 'Short Server ID (Security resource 10, Server resource 0), 1..65534.' })
  shortServerId!: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Default Minimum Period in seconds for observations (Server resource 2); null: not written.',
  })
  defaultMinPeriod!: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Default Maximum Period in seconds for observations (Server resource 3); null: not written.',
  })
  defaultMaxPeriod!: number | null;
  @Field(() => [BootstrapObjectWrite]) objectWrites!: readonly BootstrapObjectWrite[];
  @Field(() => Date) updatedAt!: Date;
}

@InputType()
export class BootstrapConfigInput {
  @Field({ description: 'coap:// or coaps://host:port.' }) serverUri!: string;
  @Field(() => Int, { nullable: true, description: 'Seconds, 1 to one year; default 300.' })
  lifetime?: number | null;
  @Field(() => String, { nullable: true, description: 'One or more of U, M, H, T, S, N, Q; default U.' })
  binding?: string | null;
  @Field(() => Int, { nullable: true, description: '1 to 65534; default 1.' }) shortServerId?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Seconds; default: not written (the device keeps its own).',
  })
  defaultMinPeriod?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Seconds, at least defaultMinPeriod; default: not written.',
  })
  defaultMaxPeriod?: number | null;
  @Field(() => [BootstrapObjectWriteInput], { nullable: true, description: 'At most 16; default: none.' })
  objectWrites?: BootstrapObjectWriteInput[] | null;
}

@ObjectType({
  description: "A device's override of its tenant's bootstrap configuration (null: the tenant's).",
})
export class BootstrapOverride {
  @Field(() => String, { nullable: true }) serverUri!: string | null;
  @Field(() => Int, { nullable: true }) lifetime!: number | null;
  @Field(() => String, { nullable: true }) binding!: string | null;
  @Field(() => Date) updatedAt!: Date;
}

@InputType({
  description: 'Fields left out (or null) keep the tenant’s value; none at all removes the override.',
})
export class BootstrapOverrideInput {
  @Field(() => String, { nullable: true }) serverUri?: string | null;
  @Field(() => Int, { nullable: true }) lifetime?: number | null;
  @Field(() => String, { nullable: true }) binding?: string | null;
}

@ObjectType({
  description:
    "A device's vendor bootstrap credential (PSK, RFC 4279) and its bootstraps. The key is stored encrypted and " +
    'never returned.',
})
export class DeviceBootstrap {
  @Field(() => String, { nullable: true, description: 'Vendor batch it was imported with.' }) batch!:
    string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'Last finished bootstrap sequence (Bootstrap-Finish answered 2.04).',
  })
  lastBootstrapAt!: Date | null;
  @Field(() => BootstrapOverride, { nullable: true }) override!: BootstrapOverride | null;

  /** Not exposed directly: the `identity` field resolver shows it to the tenant's admins only. */
  identity!: string;
  /** Not exposed: checked against the caller's tenant. */
  tenantId!: string;
}

@InputType({ description: 'One line of a vendor batch.' })
export class BootstrapCredentialEntryInput {
  @Field({ description: 'Endpoint name of a device of the tenant (provision it first).' }) endpoint!: string;
  @Field({ description: 'Bootstrap PSK identity, unique platform-wide; 1 to 128 printable ASCII.' })
  identity!: string;
  @Field({ description: 'The bootstrap PSK, 16 to 64 bytes in hex (32 to 128 digits).' }) keyHex!: string;
}

@ObjectType({ description: 'What an import did; all lines or none.' })
export class BootstrapImportResult {
  @Field(() => Int, { description: 'Lines imported.' }) imported!: number;
  @Field(() => Int, { description: 'Of those, devices whose bootstrap credential was replaced.' })
  replaced!: number;
}
