import { Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SecurityMode } from '../devices/device.enums';

export { SecurityMode };

registerEnumType(SecurityMode, {
  name: 'SecurityMode',
  description:
    'How the device proves who it is to the ingest (LwM2M Transport 1.1.1 §5.2.9): NOSEC (plain CoAP, only where ' +
    'the tenant allows it), PSK (RFC 4279), RPK (raw public key, RFC 7250), X509 (certificate of a tenant CA).',
});

@InputType({ description: 'A pre-shared key the caller chose (RFC 4279).' })
export class PskInput {
  @Field({ description: 'Unique platform-wide; 1 to 128 printable ASCII characters.' }) identity!: string;
  @Field({ description: 'The key, 16 to 64 bytes in hex (32 to 128 digits).' }) keyHex!: string;
}

@InputType({ description: 'A raw public key (RFC 7250), P-256: one of the two forms.' })
export class RpkInput {
  @Field(() => String, { nullable: true, description: 'PEM "PUBLIC KEY" (SubjectPublicKeyInfo).' })
  publicKeyPem?: string | null;
  @Field(() => String, { nullable: true, description: 'Base64 of the DER SubjectPublicKeyInfo.' })
  publicKeyDerBase64?: string | null;
}

@InputType({
  description:
    'Exactly one of: psk, generatePsk (the platform draws a 16-byte key, the identity is the endpoint name; the key ' +
    'is returned once, in the mutation result), rpk, x509 (a certificate chained to one of the tenant CAs whose CN ' +
    'or a SAN is the endpoint name). Keys are stored encrypted and never returned again.',
})
export class DeviceCredentialInput {
  @Field(() => PskInput, { nullable: true }) psk?: PskInput | null;
  @Field(() => Boolean, { nullable: true }) generatePsk?: boolean | null;
  @Field(() => RpkInput, { nullable: true }) rpk?: RpkInput | null;
  @Field(() => Boolean, { nullable: true }) x509?: boolean | null;
}

@ObjectType({
  description:
    'A PSK the platform generated: shown in this mutation result only. Store it in the device now; no query returns ' +
    'it, and the platform keeps it only encrypted.',
})
export class GeneratedPsk {
  @Field() identity!: string;
  @Field() keyHex!: string;
}

@ObjectType({ description: "One of the tenant's X.509 CAs (device certificates chain to it)." })
export class CertificateAuthority {
  @Field({ description: 'SHA-256 of the DER certificate, lowercase hex.' }) sha256!: string;
  @Field({ description: 'Subject distinguished name.' }) subject!: string;
}
