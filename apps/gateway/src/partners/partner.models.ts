import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PartnerTopic } from './partner-topics';

registerEnumType(PartnerTopic, {
  name: 'PartnerTopic',
  description: "A city's partner topic a partner may read.",
});

@ObjectType({
  description:
    "A consumer of the city's partner topics with its own Kafka principal (SASL/SCRAM-SHA-512, username below): " +
    'READ on the topics chosen and on consumer groups whose id starts with its username, nothing else.',
})
export class Partner {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => [PartnerTopic]) topics!: PartnerTopic[];
  @Field({ description: 'The SASL/SCRAM username; consumer group ids must start with it.' })
  username!: string;
  @Field(() => [String], { description: 'Where partners connect (the SASL listener of the cluster).' })
  bootstrapServers!: string[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { description: 'When the current secret was issued.' }) secretIssuedAt!: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When it was revoked (its Kafka user and ACLs are gone); null while active.',
  })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A partner and its secret, shown this once: only a hash of it is kept.' })
export class PartnerCredentials {
  @Field(() => Partner) partner!: Partner;
  @Field({ description: 'The SASL/SCRAM-SHA-512 password of partner.username. Not retrievable later.' })
  secret!: string;
}

@InputType()
export class CreatePartnerInput {
  @Field({ description: '1 to 200 characters, unique among the active partners of the city.' })
  name!: string;
  @Field(() => [PartnerTopic], { description: 'One or both topics.' })
  topics!: PartnerTopic[];
}
