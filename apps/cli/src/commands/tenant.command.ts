import { LOCAL_STACK, list, loadConfig, secret } from '@smartcity/platform-config';
import { cityEventsTopic, cityTelemetryTopic, isTenantSlug } from '@smartcity/platform-contracts';
import { createPool, TenantAdminRepository } from '@smartcity/platform-db';
import { ensureTopics, KafkaClient } from '@smartcity/platform-kafka';
import { createLogger } from '@smartcity/platform-observability';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CliUsageError, type CliCommand } from '../cli-command';

const USAGE =
  'tenant create <slug> --name <name> [--auto-provision-prefix <prefix>] [--profile <name>] [--if-not-exists] | tenant list';

const envSchema = z.object({
  DATABASE_OWNER_URL: secret(z.string().min(1).default(LOCAL_STACK.databaseOwnerUrl)),
  KAFKA_BROKERS: list(LOCAL_STACK.kafkaBrokers),
});

/** Partitions of a city's partner topics (keyed by device id). */
const PARTNER_TOPIC_PARTITIONS = 6;

/**
 * Operator command for cities (tenants): the database row and the city's partner topics. Keycloak organizations
 * are managed by the gateway's `createTenant` mutation; the demo cities' organizations come with the dev realm.
 */
export const command: CliCommand = {
  name: 'tenant',
  summary: 'create or list cities (tenants): database rows and partner Kafka topics',
  async run(args, io) {
    const [action, ...rest] = args;
    const env = loadConfig(envSchema);
    const pool = createPool({ connectionString: env.DATABASE_OWNER_URL, applicationName: 'cli', max: 2 });
    try {
      if (action === 'list') {
        const { rows } = await pool.query(
          `SELECT t.id, t.name, t.auto_provision_prefix AS prefix,
                  (SELECT count(*) FROM devices d WHERE d.tenant_id = t.id)::int AS devices
             FROM tenants t ORDER BY t.id`,
        );
        io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return 0;
      }
      if (action !== 'create') throw new CliUsageError(`usage: ${USAGE}`);
      const { values, positionals } = parseCreate(rest);
      const slug = positionals[0];
      if (!slug || !isTenantSlug(slug))
        throw new CliUsageError(`a tenant slug [a-z0-9-]{2,32} is required; ${USAGE}`);
      if (!values.name) throw new CliUsageError('--name is required');
      const tenants = new TenantAdminRepository(pool);
      if (await tenants.exists(slug)) {
        if (!values['if-not-exists']) throw new CliUsageError(`tenant "${slug}" already exists`);
      } else {
        await tenants.create({
          id: slug,
          name: values.name,
          autoProvision: values['auto-provision-prefix'] !== undefined,
          autoProvisionPrefix: values['auto-provision-prefix'] ?? null,
          autoProvisionProfile: values.profile ?? null,
        });
      }
      const kafka = new KafkaClient({
        clientId: 'smartcity-cli',
        brokers: env.KAFKA_BROKERS,
        logger: createLogger({ app: 'cli', level: 'warn' }, process.stderr),
      });
      await ensureTopics(kafka, [
        { topic: cityTelemetryTopic(slug), partitions: PARTNER_TOPIC_PARTITIONS },
        { topic: cityEventsTopic(slug), partitions: PARTNER_TOPIC_PARTITIONS },
      ]);
      io.stdout.write(`tenant ${slug} ready\n`);
      return 0;
    } finally {
      await pool.end();
    }
  },
};

function parseCreate(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        'auto-provision-prefix': { type: 'string' },
        profile: { type: 'string' },
        'if-not-exists': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}
