import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cityEventsTopic, cityTelemetryTopic, cityTopicPrefix } from '@smartcity/platform-contracts';
import { type ExportTable, exportTenant, purgeTenant } from '@smartcity/platform-db';
import {
  deleteTopicAclsUnder,
  deleteTopics,
  type KafkaClient,
  topicEndOffsets,
} from '@smartcity/platform-kafka';
import { purgeTenantKeys, type Redis } from '@smartcity/platform-redis';
import { type Pool } from 'pg';
import { findOrganization, type KeycloakAdmin } from '../keycloak/keycloak-admin';

/**
 * Writes a city's data as one NDJSON file per table (`<table>.ndjson`, one row per line, JSON as PostgreSQL
 * returns it: timestamps ISO 8601, bigints as strings) and a `manifest.json` with the row counts.
 */
export async function exportTenantTo(
  ownerPool: Pool,
  tenant: string,
  dir: string,
): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const files = new Map<ExportTable, WriteStream>();
  const write = (stream: WriteStream, text: string) =>
    new Promise<void>((resolve, reject) =>
      stream.write(text) ? resolve() : stream.once('drain', resolve).once('error', reject),
    );
  try {
    const counts = await exportTenant(ownerPool, tenant, async (table, rows) => {
      let stream = files.get(table);
      if (!stream) {
        stream = createWriteStream(join(dir, `${table}.ndjson`));
        files.set(table, stream);
      }
      await write(stream, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    });
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify(
        { tenant, exportedAt: new Date().toISOString(), format: 'ndjson', rows: counts },
        null,
        2,
      ) + '\n',
    );
    return counts;
  } finally {
    await Promise.all([...files.values()].map((s) => new Promise((r) => s.end(r))));
  }
}

export interface OffboardingDeps {
  readonly ownerPool: Pool;
  readonly kafka: KafkaClient;
  readonly redis: Redis;
  readonly keycloak: KeycloakAdmin;
  /** The ingest's Redis key prefix (REDIS_KEY_PREFIX of the ingest). */
  readonly ingestPrefix: string;
}

export interface OffboardingReport {
  readonly rows: Record<string, number>;
  readonly topics: string[];
  readonly acls: number;
  readonly organizationDeleted: boolean;
  readonly redisKeys: number;
}

/**
 * Deletes a city everywhere (issue 17 item 6): its rows (every table, hypertables included), its partner topics
 * and their ACLs, its Keycloak organization (members stay users of the realm), and what Redis holds for it. Each
 * step tolerates what an earlier, interrupted run already removed, so the command can simply be run again.
 */
export async function deleteTenantEverywhere(
  deps: OffboardingDeps,
  tenant: string,
): Promise<OffboardingReport> {
  const { rows: devices } = await deps.ownerPool.query<{ endpoint: string }>(
    'SELECT endpoint FROM devices WHERE tenant_id = $1',
    [tenant],
  );
  const rows = await purgeTenant(deps.ownerPool, tenant);
  const topics: string[] = [];
  for (const topic of [cityTelemetryTopic(tenant), cityEventsTopic(tenant)]) {
    const exists = await topicEndOffsets(deps.kafka, topic).then(
      () => true,
      () => false,
    );
    if (exists) topics.push(topic);
  }
  if (topics.length > 0) await deleteTopics(deps.kafka, topics);
  const acls = await deleteTopicAclsUnder(deps.kafka, cityTopicPrefix(tenant));
  const organization = await findOrganization(deps.keycloak, tenant);
  if (organization) await deps.keycloak.delete(`/organizations/${encodeURIComponent(organization.id)}`);
  const redisKeys = await purgeTenantKeys(
    deps.redis,
    tenant,
    devices.map((d) => d.endpoint),
    deps.ingestPrefix,
  );
  return { rows, topics, acls, organizationDeleted: organization !== null, redisKeys };
}
