import { loadConfig } from '@smartcity/platform-config';
import {
  grantPlatformAcls,
  KafkaClient,
  kafkaConfigShape,
  kafkaConnection,
  type PlatformAcl,
  type PlatformService,
  platformServiceAcls,
} from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';

const SERVICES: readonly PlatformService[] = ['coap-ingest', 'decoder', 'gateway'];
const USAGE =
  'kafka acls <coap-ingest|decoder|gateway> [--format table|strimzi] [--user <name>]' +
  ' | kafka acls <service> --apply --user <name>';

const envSchema = z.object(kafkaConfigShape);

/** Strimzi's names of the operations (KafkaUser spec.authorization.acls[].operations). */
const STRIMZI_OPERATION: Record<PlatformAcl['operation'], string> = {
  read: 'Read',
  write: 'Write',
  create: 'Create',
  delete: 'Delete',
  alter: 'Alter',
  describe: 'Describe',
};

function table(acls: readonly PlatformAcl[]): string {
  const rows = acls.map((a) => [a.resource, a.pattern, a.name, a.operation]);
  const widths = [8, 8, Math.max(4, ...rows.map((r) => r[2]!.length)), 9];
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(['resource', 'pattern', 'name', 'operation']), ...rows.map(line)].join('\n') + '\n';
}

/** A Strimzi KafkaUser (kafka.strimzi.io/v1beta2) with SCRAM-SHA-512 and these ACLs, grouped per resource. */
function strimziUser(user: string, acls: readonly PlatformAcl[]): string {
  const byResource = new Map<string, { resource: object; operations: string[] }>();
  for (const a of acls) {
    const key = `${a.resource}|${a.pattern}|${a.name}`;
    const resource =
      a.resource === 'cluster'
        ? { type: 'cluster' }
        : { type: a.resource, name: a.name, patternType: a.pattern };
    const entry = byResource.get(key) ?? { resource, operations: [] };
    entry.operations.push(STRIMZI_OPERATION[a.operation]);
    byResource.set(key, entry);
  }
  return stringify({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: { name: user, labels: { 'strimzi.io/cluster': '<your-kafka-cluster>' } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [...byResource.values()].map((e) => ({ ...e, host: '*' })),
      },
    },
  });
}

/**
 * The ACLs of each platform service's own Kafka principal (libs/platform/kafka platform-acls): printed for an
 * operator (a table, or a Strimzi KafkaUser), or created through the admin API with the CLI's own credentials
 * (KAFKA_BROKERS, KAFKA_SASL_*: a principal allowed to ALTER the cluster).
 */
export const command: CliCommand = {
  name: 'kafka',
  usage: USAGE,
  summary: "print or create the Kafka ACLs of a platform service's own principal",
  async run(args, io) {
    const [action, service, ...rest] = args;
    if (action !== 'acls' || !SERVICES.includes(service as PlatformService)) {
      throw new CliUsageError(`usage: ${USAGE}`);
    }
    const { values } = parseArgs({
      args: rest,
      options: {
        format: { type: 'string', default: 'table' },
        user: { type: 'string' },
        apply: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const acls = platformServiceAcls(service as PlatformService);
    const user = values.user ?? `smartcity-${service}`;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(user)) throw new CliUsageError('--user: 1-64 of [A-Za-z0-9._-]');
    if (values.apply) {
      if (!values.user) throw new CliUsageError('--apply needs --user <name> (the principal User:<name>)');
      const env = loadConfig(envSchema);
      const kafka = new KafkaClient({
        clientId: 'cli-kafka-acls',
        ...kafkaConnection(env),
        logger: createLogger({ app: 'cli', level: 'warn' }),
      });
      await grantPlatformAcls(kafka, `User:${user}`, acls);
      io.stdout.write(`created ${acls.length} ACLs for User:${user} (${service})\n`);
      return 0;
    }
    if (values.format === 'table') io.stdout.write(table(acls));
    else if (values.format === 'strimzi') io.stdout.write(strimziUser(user, acls));
    else throw new CliUsageError('--format: table or strimzi');
    return 0;
  },
};
