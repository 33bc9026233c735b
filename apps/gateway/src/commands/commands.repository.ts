import { Injectable } from '@nestjs/common';
import { type TxClient } from '@smartcity/platform-db';

export type CommandStatusText = 'PENDING' | 'SENT' | 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'EXPIRED';

export interface CommandRow {
  readonly id: string;
  readonly tenantId: string;
  readonly deviceId: string;
  readonly idempotencyKey: string | null;
  readonly type: string;
  readonly request: { endpoint: string; operation: Record<string, unknown> } & Record<string, unknown>;
  readonly status: CommandStatusText;
  readonly coapCode: string | null;
  readonly result: { contentFormat?: number; payload?: string } | null;
  readonly error: string | null;
  readonly issuedBy: string;
  readonly batchId: string | null;
  readonly deadline: Date;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly completedAt: Date | null;
  readonly updatedAt: Date;
}

export interface NewCommand {
  readonly id: string;
  readonly deviceId: string;
  readonly idempotencyKey: string | null;
  readonly type: string;
  readonly request: Record<string, unknown>;
  readonly issuedBy: string;
  readonly deadline: Date;
  readonly batchId: string | null;
}

export interface CommandUpdate {
  readonly id: string;
  readonly status: CommandStatusText;
  readonly coapCode: string | null;
  readonly result: Record<string, unknown> | null;
  readonly error: string | null;
  readonly at: Date;
}

const COLUMNS = `id, tenant_id AS "tenantId", device_id AS "deviceId", idempotency_key AS "idempotencyKey", type,
  request, status, coap_code AS "coapCode", result, error, issued_by AS "issuedBy", batch_id AS "batchId", deadline,
  created_at AS "createdAt", sent_at AS "sentAt", completed_at AS "completedAt", updated_at AS "updatedAt"`;

/** SQL of the commands table. Runs in tenant transactions (row-level security) unless stated otherwise. */
@Injectable()
export class CommandsRepository {
  /**
   * Inserts commands; a command whose idempotency key exists already is not inserted again and the existing one is
   * returned (`created` false), so a retried mutation neither duplicates nor re-sends.
   */
  async insert(
    tx: TxClient,
    tenant: string,
    commands: readonly NewCommand[],
  ): Promise<{ row: CommandRow; created: boolean }[]> {
    if (commands.length === 0) return [];
    const { rows } = await tx.query<CommandRow>(
      `INSERT INTO commands (id, tenant_id, device_id, idempotency_key, type, request, issued_by, deadline, batch_id)
       SELECT i, $1, d, k, t, r, $2, dl, b
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[], $9::uuid[])
         AS x(i, d, k, t, r, dl, b)
       ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        tenant,
        commands[0]?.issuedBy,
        commands.map((c) => c.id),
        commands.map((c) => c.deviceId),
        commands.map((c) => c.idempotencyKey),
        commands.map((c) => c.type),
        commands.map((c) => JSON.stringify(c.request)),
        commands.map((c) => c.deadline.toISOString()),
        commands.map((c) => c.batchId),
      ],
    );
    const created = new Map(rows.map((r) => [r.id, r]));
    const replayKeys = commands
      .filter((c) => !created.has(c.id) && c.idempotencyKey !== null)
      .map((c) => c.idempotencyKey as string);
    const existing = new Map<string, CommandRow>();
    if (replayKeys.length > 0) {
      const { rows: old } = await tx.query<CommandRow>(
        `SELECT ${COLUMNS} FROM commands WHERE idempotency_key = ANY($1::text[])`,
        [replayKeys],
      );
      for (const r of old) existing.set(r.idempotencyKey as string, r);
    }
    const out: { row: CommandRow; created: boolean }[] = [];
    for (const c of commands) {
      const fresh = created.get(c.id);
      if (fresh) out.push({ row: fresh, created: true });
      else {
        const old = c.idempotencyKey !== null ? existing.get(c.idempotencyKey) : undefined;
        if (old) out.push({ row: old, created: false });
      }
    }
    return out;
  }

  async findByIds(tx: TxClient, ids: readonly string[]): Promise<CommandRow[]> {
    const { rows } = await tx.query<CommandRow>(
      `SELECT ${COLUMNS} FROM commands WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  async list(
    tx: TxClient,
    q: { deviceId?: string | null; batchId?: string | null; status?: string | null; limit: number },
  ): Promise<CommandRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.deviceId) where.push(`device_id = ${param(q.deviceId)}::uuid`);
    if (q.batchId) where.push(`batch_id = ${param(q.batchId)}::uuid`);
    if (q.status) where.push(`status = ${param(q.status)}`);
    const { rows } = await tx.query<CommandRow>(
      `SELECT ${COLUMNS} FROM commands${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id LIMIT ${param(q.limit)}`,
      params,
    );
    return rows;
  }

  /**
   * Applies outcomes. Transitions only move forward: SENT only from PENDING, a final status only from PENDING or
   * SENT, so a redelivered or late result never rewrites a finished command. Returns the rows that changed.
   */
  async applyUpdates(tx: TxClient, updates: readonly CommandUpdate[]): Promise<CommandRow[]> {
    if (updates.length === 0) return [];
    const { rows } = await tx.query<CommandRow>(
      `UPDATE commands c SET
         status = u.s,
         coap_code = COALESCE(u.code, c.coap_code),
         result = COALESCE(u.res, c.result),
         error = COALESCE(u.err, c.error),
         sent_at = CASE WHEN u.s = 'SENT' THEN u.ts ELSE COALESCE(c.sent_at, CASE WHEN u.s <> 'EXPIRED' THEN u.ts END) END,
         completed_at = CASE WHEN u.s = 'SENT' THEN NULL ELSE u.ts END,
         updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
         AS u(id, s, code, res, err, ts)
       WHERE c.id = u.id
         AND (c.status = 'PENDING' OR (c.status = 'SENT' AND u.s <> 'SENT'))
       RETURNING ${COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1c.$2')}`,
      [
        updates.map((u) => u.id),
        updates.map((u) => u.status),
        updates.map((u) => u.coapCode),
        updates.map((u) => (u.result ? JSON.stringify(u.result) : null)),
        updates.map((u) => u.error),
        updates.map((u) => u.at.toISOString()),
      ],
    );
    return rows;
  }
}
