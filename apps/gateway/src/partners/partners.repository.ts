import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';
import { type PartnerTopic } from './partner-topics';

export interface PartnerRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** Lower case in the table ('telemetry', 'events'), as in the topic names. */
  readonly topics: string[];
  readonly username: string;
  readonly secretRotatedAt: Date;
  readonly revokedAt: Date | null;
  readonly createdAt: Date;
}

/** The partner's Kafka principal name (the table checks it): also the prefix of its consumer group ids. */
export function partnerUsername(id: string): string {
  return `partner-${id}`;
}

const COLUMNS = `id, tenant_id AS "tenantId", name, topics, username, secret_rotated_at AS "secretRotatedAt",
  revoked_at AS "revokedAt", created_at AS "createdAt"`;

/** SQL of partners; every method runs in a tenant transaction (FORCE RLS on `partners`). Never reads the hash. */
@Injectable()
export class PartnersRepository {
  async list(tx: TxClient): Promise<PartnerRow[]> {
    const { rows } = await tx.query<PartnerRow>(
      `SELECT ${COLUMNS} FROM partners ORDER BY revoked_at IS NOT NULL, name, created_at`,
    );
    return rows;
  }

  /** The partner, locked for the rest of the transaction (rotation and revocation are serialized). */
  async lock(tx: TxClient, id: string): Promise<PartnerRow | null> {
    const { rows } = await tx.query<PartnerRow>(`SELECT ${COLUMNS} FROM partners WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  async insert(
    tx: TxClient,
    values: {
      id: string;
      tenantId: string;
      name: string;
      topics: readonly PartnerTopic[];
      secretHash: string;
    },
  ): Promise<PartnerRow> {
    const { rows } = await tx.query<PartnerRow>(
      `INSERT INTO partners (id, tenant_id, name, topics, username, secret_hash)
       VALUES ($1::uuid, $2, $3, $4::text[], $5, $6) RETURNING ${COLUMNS}`,
      [
        values.id,
        values.tenantId,
        values.name,
        values.topics.map((t) => t.toLowerCase()),
        partnerUsername(values.id),
        values.secretHash,
      ],
    );
    return rows[0]!;
  }

  async setSecretHash(tx: TxClient, id: string, secretHash: string): Promise<PartnerRow> {
    const { rows } = await tx.query<PartnerRow>(
      `UPDATE partners SET secret_hash = $2, secret_rotated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, secretHash],
    );
    return rows[0]!;
  }

  async markRevoked(tx: TxClient, id: string): Promise<PartnerRow> {
    const { rows } = await tx.query<PartnerRow>(
      `UPDATE partners SET secret_hash = NULL, revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
       RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0]!;
  }
}
