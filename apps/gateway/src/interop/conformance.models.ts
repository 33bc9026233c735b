import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from '../common/json.scalar';
import { ConformanceRunStatus, ConformanceVerdict } from './conformance.enums';
import { type ConformanceRunRow } from './conformance.repository';

export { ConformanceRunStatus, ConformanceVerdict };

registerEnumType(ConformanceVerdict, {
  name: 'ConformanceVerdict',
  description: 'SKIPPED: a case that changes the device, run only in the full suite.',
});
registerEnumType(ConformanceRunStatus, { name: 'ConformanceRunStatus' });

@ObjectType({ description: 'A conformance test case of the catalogue (modelled on the OMA LwM2M ETS 1.1).' })
export class ConformanceCaseDescription {
  @Field({
    description: '1xx registration, 2xx device management, 3xx information reporting, 5xx/<object> profiles.',
  })
  caseId!: string;
  @Field() title!: string;
  @Field() group!: string;
  @Field({ description: 'The specification clause the pass criteria come from.' }) clause!: string;
  @Field({ description: 'Non-disturbing: run without fullSuite.' }) safe!: boolean;
  @Field() passCriteria!: string;
}

@ObjectType({
  description: 'One request of a case: what was sent, what the device answered, and how long it took.',
})
export class ConformanceStep {
  @Field() title!: string;
  @Field(() => JsonScalar, { description: 'The LwM2M operation as sent (with its command id).' })
  request!: Record<string, unknown>;
  @Field({ description: 'completed (the device answered coapCode), timeout, expired, failed, not-sent...' })
  status!: string;
  @Field(() => String, { nullable: true }) coapCode!: string | null;
  @Field(() => Int, { nullable: true }) contentFormat!: number | null;
  @Field(() => String, { nullable: true, description: 'Response payload, base64.' }) payload!: string | null;
  @Field(() => String, { nullable: true, description: 'The payload as text when it is printable UTF-8.' })
  payloadText!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Int, { description: 'Round trip to the device (ms).' }) durationMs!: number;
}

@ObjectType()
export class ConformanceCaseResult extends ConformanceCaseDescription {
  @Field(() => ConformanceVerdict) verdict!: ConformanceVerdict;
  @Field({ description: 'Why it passed or failed (what the device answered instead).' }) message!: string;
  @Field(() => [ConformanceStep]) steps!: ConformanceStep[];
}

@ObjectType({ description: 'A conformance run against one device (issue 23) and its report.' })
export class ConformanceRun {
  @Field(() => ID) id!: string;
  @Field(() => ID) deviceId!: string;
  @Field() endpoint!: string;
  @Field(() => ConformanceRunStatus) status!: ConformanceRunStatus;
  @Field() fullSuite!: boolean;
  @Field() startedBy!: string;
  @Field(() => String, { nullable: true, description: 'Manufacturer (/3/0/0) read during the run.' })
  vendor!: string | null;
  @Field(() => String, { nullable: true, description: 'Model Number (/3/0/1).' }) model!: string | null;
  @Field(() => String, { nullable: true, description: 'Firmware Version (/3/0/3).' }) firmware!:
    string | null;
  @Field(() => String, { nullable: true }) lwm2mVersion!: string | null;
  @Field({ description: 'Declared object versions, e.g. "3416 v2.0, 3418 v2.1".' }) objects!: string;
  @Field(() => Int) passed!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) notApplicable!: number;
  @Field(() => Int) skipped!: number;
  @Field(() => Int, { description: 'Cases that ran: passed + failed.' }) applicable!: number;
  @Field({ description: 'e.g. "Lumicity LC-700 (3416 v2.0): 41/44, fails 207 Read /3/0 in SenML CBOR".' })
  summary!: string;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => [ConformanceCaseResult]) cases!: ConformanceCaseResult[];

  /** Not exposed: checked against the caller's tenant. */
  tenantId!: string;
  /** Not exposed: the stored run the report fields render. */
  source!: ConformanceRunRow;
}

@ObjectType({ description: 'Conformance of one vendor, model and set of object versions across runs.' })
export class ConformanceVendorSummary {
  @Field(() => String, { nullable: true }) vendor!: string | null;
  @Field(() => String, { nullable: true }) model!: string | null;
  @Field() objects!: string;
  @Field(() => Int) runs!: number;
  @Field(() => Int) devices!: number;
  @Field(() => ID) latestRunId!: string;
  @Field(() => Int, { description: 'Passed cases of the latest run.' }) passed!: number;
  @Field(() => Int, { description: 'Cases of the latest run that ran.' }) applicable!: number;
  @Field(() => [String], { description: 'Cases that failed in any run ("207 Read /3/0 in SenML CBOR").' })
  failedCases!: string[];
  @Field({ description: 'e.g. "Lumicity LC-700 (3416 v2.0): 41/44, fails 207 Read /3/0 in SenML CBOR".' })
  summary!: string;
}
