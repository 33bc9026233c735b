import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';

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
