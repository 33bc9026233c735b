import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import {
  cityEventsTopic,
  cityTelemetryTopic,
  cityTopicPrefix,
  isTenantSlug,
} from '@smartcity/platform-contracts';
import { purgeTenant } from '@smartcity/platform-db';
import {
  deleteTopicAclsUnder,
  deleteTopics,
  ensureTopics,
  type KafkaClient,
  topicEndOffsets,
} from '@smartcity/platform-kafka';
import { type Logger } from '@smartcity/platform-observability';
import { purgeTenantKeys, type Redis } from '@smartcity/platform-redis';
import { hasPermission, Permission } from '../auth/permissions';
import { type GatewayConfig } from '../config/gateway.config';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { GATEWAY_CONFIG, GATEWAY_LOGGER, KAFKA_CLIENT, REDIS } from '../gateway.tokens';
import { KEYCLOAK_ADMIN } from './keycloak-admin.token';
import { type KeycloakAdminClient } from './keycloak-admin.client';
import {
  type CreateTenantInput,
  type Tenant,
  type TenantDeletion,
  type UpdateTenantInput,
} from './tenant.models';
import { type TenantChange, type TenantRow, TenantsRepository } from './tenants.repository';

function toTenant(row: TenantRow, organizationId: string | null = null): Tenant {
  return { ...row, topics: [cityTelemetryTopic(row.id), cityEventsTopic(row.id)], organizationId };
}

function validateChange(change: TenantChange, creating: boolean): void {
  if ((creating || change.name != null) && (!change.name || change.name.length > 200)) {
    throw GatewayException.badInput('name must be 1 to 200 characters', 'input.name');
  }
  if (change.retentionDays != null && (change.retentionDays < 1 || change.retentionDays > 36_500)) {
    throw GatewayException.badInput('retentionDays must be between 1 and 36500', 'input.retentionDays');
  }
  if (
    change.autoProvisionPrefix != null &&
    (change.autoProvisionPrefix.length < 1 || change.autoProvisionPrefix.length > 255)
  ) {
    throw GatewayException.badInput(
      'autoProvisionPrefix must be 1 to 255 characters',
      'input.autoProvisionPrefix',
    );
  }
  if (creating && change.autoProvision && !change.autoProvisionPrefix) {
    throw GatewayException.badInput(
      'autoProvision needs an autoProvisionPrefix',
      'input.autoProvisionPrefix',
    );
  }
}

/**
 * Tenant lifecycle (platform admin): the database row (owner role), the partner Kafka topics
 * `city.<t>.telemetry.v1` / `city.<t>.events.v1`, and the Keycloak organization whose alias is the slug, with the
 * organization groups that grant the city roles.
 */
@Injectable()
export class TenantsService {
  private readonly logger: Logger;

  constructor(
    private readonly db: TenantDb,
    private readonly repository: TenantsRepository,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(KEYCLOAK_ADMIN) private readonly keycloak: KeycloakAdminClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.logger = logger.child({ context: 'TenantsService' });
  }

  async list(): Promise<Tenant[]> {
    return (await this.db.asPlatformAdmin((tx) => this.repository.list(tx))).map((r) => toTenant(r));
  }

  /** Platform admins read any tenant; other callers only their own (through RLS), anything else is null. */
  async get(principal: Principal, id: string): Promise<Tenant | null> {
    if (!isTenantSlug(id)) return null;
    if (hasPermission(principal, Permission.ManageTenants)) {
      const row = await this.db.asPlatformAdmin((tx) => this.repository.get(tx, id));
      return row ? toTenant(row) : null;
    }
    if (principal.tenant !== id || !hasPermission(principal, Permission.ReadTenant)) return null;
    const row = await this.db.inTenant(id, (tx) => this.repository.get(tx, id));
    return row ? toTenant(row) : null;
  }

  async create(input: CreateTenantInput): Promise<Tenant> {
    if (!isTenantSlug(input.id)) throw GatewayException.badInput('id must match [a-z0-9-]{2,32}', 'input.id');
    validateChange(input, true);
    const row = await this.db.asPlatformAdmin((tx) => this.repository.insert(tx, input.id, input));
    if (!row) throw GatewayException.badInput('a tenant with this id exists', 'input.id');
    try {
      const organizationId = await this.provisionInfrastructure(row);
      return toTenant(row, organizationId);
    } catch (err) {
      // Without its topics and organization the tenant is unusable: undo the row so the call can be retried.
      await this.db
        .asPlatformAdmin((tx) => this.repository.delete(tx, row.id))
        .catch((undoErr: unknown) => {
          this.logger.error({ err: undoErr, tenant: row.id }, 'could not undo tenant row');
        });
      throw err;
    }
  }

  /** Updates the row and re-ensures the topics and organization (repairs a tenant whose setup was interrupted). */
  async update(id: string, input: UpdateTenantInput): Promise<Tenant> {
    if (!isTenantSlug(id)) throw GatewayException.notFound('tenant');
    validateChange(input, false);
    const row = await this.db.asPlatformAdmin((tx) => this.repository.update(tx, id, input));
    if (!row) throw GatewayException.notFound('tenant');
    return toTenant(row, await this.provisionInfrastructure(row));
  }

  /**
   * Off-boarding: deletes the tenant's rows (every table, hypertables included), then its partner topics and their
   * ACLs, its Keycloak organization and its Redis keys. Each step tolerates what an interrupted earlier call already
   * removed, so the mutation can be repeated.
   */
  async delete(id: string, confirm: string): Promise<TenantDeletion> {
    if (!isTenantSlug(id)) throw GatewayException.notFound('tenant');
    if (confirm !== id) throw GatewayException.badInput('confirm must repeat the tenant id', 'confirm');
    const { rows: devices } = await this.db.owner.query<{ endpoint: string }>(
      'SELECT endpoint FROM devices WHERE tenant_id = $1',
      [id],
    );
    const deleted = await purgeTenant(this.db.owner, id);
    const topics: string[] = [];
    for (const topic of [cityTelemetryTopic(id), cityEventsTopic(id)]) {
      if (
        await topicEndOffsets(this.kafka, topic).then(
          () => true,
          () => false,
        )
      )
        topics.push(topic);
    }
    if (topics.length > 0) await deleteTopics(this.kafka, topics);
    const acls = await deleteTopicAclsUnder(this.kafka, cityTopicPrefix(id));
    const organization = await this.keycloak.findOrganization(id);
    if (organization) await this.keycloak.deleteOrganization(organization.id);
    const redisKeys = await purgeTenantKeys(
      this.redis,
      id,
      devices.map((d) => d.endpoint),
      this.config.INGEST_REDIS_KEY_PREFIX,
    );
    this.logger.info({ tenant: id, rows: deleted, topics, acls, redisKeys }, 'tenant deleted');
    return {
      id,
      rows: Object.values(deleted).reduce((a, b) => a + b, 0),
      topics,
      acls,
      organizationDeleted: organization !== null,
      redisKeys,
    };
  }

  private async provisionInfrastructure(row: TenantRow): Promise<string> {
    try {
      await ensureTopics(
        this.kafka,
        [cityTelemetryTopic(row.id), cityEventsTopic(row.id)].map((topic) => ({
          topic,
          partitions: this.config.TENANT_TOPIC_PARTITIONS,
          replicationFactor: this.config.TENANT_TOPIC_REPLICATION,
        })),
      );
    } catch (err) {
      this.logger.error({ err, tenant: row.id }, 'tenant topics not created');
      throw new GatewayException(
        GatewayErrorCode.ServiceUnavailable,
        'event streaming unavailable, retry later',
      );
    }
    try {
      const org = await this.keycloak.ensureOrganization(
        row.id,
        row.name,
        `${row.id}.${this.config.KEYCLOAK_ORG_DOMAIN_SUFFIX}`,
      );
      await this.keycloak.ensureRoleGroups(org.id);
      return org.id;
    } catch (err) {
      this.logger.error({ err, tenant: row.id }, 'tenant organization not created');
      throw new GatewayException(
        GatewayErrorCode.ServiceUnavailable,
        'identity provider unavailable, retry later',
      );
    }
  }
}
