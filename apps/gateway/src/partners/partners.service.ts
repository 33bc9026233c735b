import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Principal } from '@smartcity/platform-auth';
import { type TxClient } from '@smartcity/platform-db';
import { type Logger } from '@smartcity/platform-observability';
import { tenantOf } from '../auth/permissions';
import { isUuid } from '../common/cursor';
import { type GatewayConfig } from '../config/gateway.config';
import { TenantDb } from '../db/tenant-db.service';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { GATEWAY_CONFIG, GATEWAY_LOGGER } from '../gateway.tokens';
import { PartnerBroker } from './partner-broker';
import { type CreatePartnerInput, type Partner, type PartnerCredentials } from './partner.models';
import { PartnerTopic } from './partner-topics';
import { hashPartnerSecret, newPartnerSecret } from './partner-secrets';
import { type PartnerRow, PartnersRepository } from './partners.repository';

/**
 * Partners of the caller's tenant (issue 21): platform admins (with the tenant header) and that city's admins.
 * Each write changes the row and the broker in one database transaction: the Kafka calls run inside it, so a
 * broker failure rolls the row back, and the secret is returned only once both are done. Another tenant's
 * partner is "partner not found", like an id that does not exist (RLS hides it). Secrets are never logged.
 */
@Injectable()
export class PartnersService {
  private readonly logger: Logger;

  constructor(
    private readonly db: TenantDb,
    private readonly repository: PartnersRepository,
    private readonly broker: PartnerBroker,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'PartnersService' });
  }

  async list(principal: Principal): Promise<Partner[]> {
    const rows = await this.db.inTenant(tenantOf(principal), (tx) => this.repository.list(tx));
    return rows.map((r) => this.toPartner(r));
  }

  async create(principal: Principal, input: CreatePartnerInput): Promise<PartnerCredentials> {
    const tenant = tenantOf(principal);
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200)
      throw GatewayException.badInput('name: 1 to 200 characters', 'input.name');
    const topics = [...new Set(input.topics)];
    if (topics.length === 0) throw GatewayException.badInput('choose at least one topic', 'input.topics');
    const id = randomUUID();
    const secret = newPartnerSecret();
    const secretHash = await hashPartnerSecret(secret);
    const row = await this.write(tenant, async (tx) => {
      const created = await this.repository.insert(tx, { id, tenantId: tenant, name, topics, secretHash });
      await this.kafka(() => this.broker.provision(created.username, secret, tenant, topics));
      return created;
    });
    this.logger.info({ tenant, partner: row.id, username: row.username, topics }, 'partner created');
    return { partner: this.toPartner(row), secret };
  }

  async rotateSecret(principal: Principal, id: string): Promise<PartnerCredentials> {
    const tenant = tenantOf(principal);
    const secret = newPartnerSecret();
    const secretHash = await hashPartnerSecret(secret);
    const row = await this.write(tenant, async (tx) => {
      const current = await this.active(tx, id);
      await this.kafka(() => this.broker.setSecret(current.username, secret));
      return this.repository.setSecretHash(tx, current.id, secretHash);
    });
    this.logger.info({ tenant, partner: row.id, username: row.username }, 'partner secret rotated');
    return { partner: this.toPartner(row), secret };
  }

  /** Deletes the partner's Kafka user and ACLs; the row stays, revoked. Revoking again changes nothing. */
  async revoke(principal: Principal, id: string): Promise<Partner> {
    const tenant = tenantOf(principal);
    const row = await this.write(tenant, async (tx) => {
      const current = isUuid(id) ? await this.repository.lock(tx, id) : null;
      if (!current) throw GatewayException.notFound('partner');
      await this.kafka(() => this.broker.revoke(current.username));
      return this.repository.markRevoked(tx, current.id);
    });
    this.logger.info({ tenant, partner: row.id, username: row.username }, 'partner revoked');
    return this.toPartner(row);
  }

  private async active(tx: TxClient, id: string): Promise<PartnerRow> {
    const current = isUuid(id) ? await this.repository.lock(tx, id) : null;
    if (!current) throw GatewayException.notFound('partner');
    if (current.revokedAt) throw GatewayException.badInput('the partner is revoked: create a new one', 'id');
    return current;
  }

  private async write<T>(tenant: string, fn: (tx: TxClient) => Promise<T>): Promise<T> {
    try {
      return await this.db.inTenant(tenant, fn);
    } catch (err) {
      const e = err as { code?: unknown; constraint?: unknown };
      if (e.code === '23505' && e.constraint === 'partners_active_name')
        throw GatewayException.badInput('an active partner of this name exists', 'input.name');
      throw err;
    }
  }

  /** A broker failure is an outage for the caller (retry later), logged with its cause. */
  private async kafka(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.logger.error({ err }, 'Kafka refused or did not answer a partner change');
      throw new GatewayException(GatewayErrorCode.ServiceUnavailable, 'Kafka unavailable, retry later');
    }
  }

  private toPartner(row: PartnerRow): Partner {
    return {
      id: row.id,
      name: row.name,
      topics: row.topics.map((t) => (t === 'telemetry' ? PartnerTopic.TELEMETRY : PartnerTopic.EVENTS)),
      username: row.username,
      bootstrapServers: [...this.config.KAFKA_PARTNER_BROKERS],
      createdAt: row.createdAt,
      secretIssuedAt: row.secretRotatedAt,
      revokedAt: row.revokedAt,
    };
  }
}
