import { Field, ID, InputType, Int, Float, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../common/json.scalar';
import { DeviceFilter } from '../devices/device.models';

import { CommandStatus } from './command.enums';

export { CommandStatus };

registerEnumType(CommandStatus, { name: 'CommandStatus' });

@ObjectType({ description: 'A value read from a device, decoded with the object version it announced.' })
export class ResourceValue {
  @Field() path!: string;
  @Field(() => JsonScalar, { nullable: true }) value!: unknown;
}

@ObjectType({ description: 'A device management request (LwM2M Core 1.1.1 §6.3, §6.4) and its outcome.' })
export class Command {
  @Field(() => ID) id!: string;
  @Field(() => ID) deviceId!: string;
  @Field(() => String, {
    description: 'Operation (read, write, execute...) or domain command (setLampLevel...).',
  })
  type!: string;
  @Field(() => CommandStatus) status!: CommandStatus;
  @Field(() => String, {
    nullable: true,
    description: 'CoAP response code of the device, e.g. "2.04", "4.04".',
  })
  coapCode!: string | null;
  @Field(() => JsonScalar, { description: 'The LwM2M operation sent to the device.' })
  request!: Record<string, unknown>;
  @Field(() => [ResourceValue], { nullable: true, description: 'Decoded values of a successful read.' })
  values!: ResourceValue[] | null;
  @Field(() => String, { nullable: true, description: 'Raw response body (discover: link format).' })
  responseText!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { description: 'Who issued it (user name).' }) issuedBy!: string;
  @Field(() => String, { nullable: true }) idempotencyKey!: string | null;
  @Field(() => ID, { nullable: true }) batchId!: string | null;
  @Field(() => Date) deadline!: Date;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => Date) updatedAt!: Date;

  /** Not exposed: checked against the caller's tenant. */
  tenantId!: string;
  /** Not exposed: raw response (content format + base64 payload), decoded by the `values` field. */
  result!: { contentFormat?: number; payload?: string } | null;
}

@ObjectType({ description: 'A target device the command was not created for, and why.' })
export class CommandRefusal {
  @Field(() => ID, { nullable: true }) deviceId!: string | null;
  @Field() reason!: string;
}

@ObjectType({
  description: 'One command per target device; follow them by batch id (query or subscription).',
})
export class BulkCommandResult {
  @Field(() => ID) batchId!: string;
  @Field(() => [Command]) commands!: Command[];
  @Field(() => [CommandRefusal]) refused!: CommandRefusal[];
}

@InputType()
export class CommandOptions {
  @Field(() => String, {
    nullable: true,
    description:
      'Replaying a key returns the command already created with it (per device for bulk commands).',
  })
  idempotencyKey?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Seconds the command may wait for the device (queue mode) before it is EXPIRED.',
  })
  deadlineSeconds?: number | null;
}

@InputType({ description: 'Devices a bulk command targets: a list of ids, or a filter (not both).' })
export class DeviceTargets {
  @Field(() => [ID], { nullable: true }) deviceIds?: string[] | null;
  @Field(() => DeviceFilter, { nullable: true }) filter?: DeviceFilter | null;
}

@InputType({ description: 'Notification attributes (LwM2M Core 1.1.1 §5.1.2); null removes one.' })
export class NotificationAttributesInput {
  @Field(() => Int, { nullable: true }) pmin?: number | null;
  @Field(() => Int, { nullable: true }) pmax?: number | null;
  @Field(() => Float, { nullable: true }) gt?: number | null;
  @Field(() => Float, { nullable: true }) lt?: number | null;
  @Field(() => Float, { nullable: true }) st?: number | null;
  @Field(() => Int, { nullable: true }) epmin?: number | null;
  @Field(() => Int, { nullable: true }) epmax?: number | null;
}

@InputType()
export class PathValueInput {
  @Field() path!: string;
  @Field(() => JsonScalar) value!: unknown;
}

@InputType()
export class CommandFilter {
  @Field(() => ID, { nullable: true }) deviceId?: string | null;
  @Field(() => ID, { nullable: true }) batchId?: string | null;
  @Field(() => CommandStatus, { nullable: true }) status?: CommandStatus | null;
}
