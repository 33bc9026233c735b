import { Injectable } from '@nestjs/common';
import { type CaseResult } from '@smartcity/lwm2m-conformance';
import { type TxClient } from '@smartcity/platform-db';

export type ConformanceRunStatusText = 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface ConformanceRunRow {
  readonly id: string;
  readonly tenantId: string;
  readonly deviceId: string;
  readonly endpoint: string;
  readonly status: ConformanceRunStatusText;
  readonly fullSuite: boolean;
  readonly startedBy: string;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly lwm2mVersion: string | null;
  readonly objects: string;
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
  readonly skipped: number;
  readonly cases: CaseResult[];
  readonly error: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

export interface RunProgress {
  readonly status: ConformanceRunStatusText;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly cases: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
  readonly skipped: number;
  readonly error: string | null;
  readonly finished: boolean;
}

const COLUMNS = `id, tenant_id AS "tenantId", device_id AS "deviceId", endpoint, status, full_suite AS "fullSuite",
  started_by AS "startedBy", vendor, model, firmware, lwm2m_version AS "lwm2mVersion", objects, passed, failed,
  not_applicable AS "notApplicable", skipped, cases, error, started_at AS "startedAt", finished_at AS "finishedAt"`;

/** SQL of conformance_runs; every statement runs in a tenant transaction (row-level security). */
@Injectable()
export class ConformanceRepository {
  /**
   * Closes the device's RUNNING run when it started more than `olderThanS` ago: its gateway died without
   * finishing it (a stopping gateway closes its runs itself), and it would block every new run of the device.
   */
  async abandonStale(tx: TxClient, deviceId: string, olderThanS: number): Promise<number> {
    const { rowCount } = await tx.query(
      `UPDATE conformance_runs SET status = 'FAILED', finished_at = now(),
         error = 'abandoned: the gateway running it stopped before it finished'
       WHERE device_id = $1 AND status = 'RUNNING' AND started_at < now() - make_interval(secs => $2)`,
      [deviceId, olderThanS],
    );
    return rowCount ?? 0;
  }

  async insert(
    tx: TxClient,
    run: {
      tenant: string;
      deviceId: string;
      endpoint: string;
      fullSuite: boolean;
      startedBy: string;
      lwm2mVersion: string;
      objects: string;
    },
  ): Promise<ConformanceRunRow> {
    const { rows } = await tx.query<ConformanceRunRow>(
      `INSERT INTO conformance_runs (tenant_id, device_id, endpoint, full_suite, started_by, lwm2m_version, objects)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [run.tenant, run.deviceId, run.endpoint, run.fullSuite, run.startedBy, run.lwm2mVersion, run.objects],
    );
    return rows[0] as ConformanceRunRow;
  }

  async progress(tx: TxClient, id: string, p: RunProgress): Promise<void> {
    await tx.query(
      `UPDATE conformance_runs SET status = $2, vendor = COALESCE($3, vendor), model = COALESCE($4, model),
         firmware = COALESCE($5, firmware), cases = $6, passed = $7, failed = $8, not_applicable = $9, skipped = $10,
         error = $11, finished_at = CASE WHEN $12::boolean THEN now() END
       WHERE id = $1`,
      [
        id,
        p.status,
        p.vendor,
        p.model,
        p.firmware,
        JSON.stringify(p.cases),
        p.passed,
        p.failed,
        p.notApplicable,
        p.skipped,
        p.error,
        p.finished,
      ],
    );
  }

  /** The lighting program a lamp controller is assigned to (issue 19, lighting_assignments), if any. */
  async lightingProgramOf(tx: TxClient, deviceId: string): Promise<string | null> {
    const { rows } = await tx.query<{ name: string }>(
      `SELECT p.name FROM lighting_assignments a JOIN lighting_programs p ON p.id = a.program_id
       WHERE a.device_id = $1`,
      [deviceId],
    );
    return rows[0]?.name ?? null;
  }

  /**
   * Arrival times (ms) of the notifications of one path the decoder stored since `since`: a notification's values
   * carry no time of their own, so they take the ingest's receive time (libs/platform/contracts valueTimeOf).
   */
  async notificationTimes(tx: TxClient, deviceId: string, path: string, since: Date): Promise<number[]> {
    const { rows } = await tx.query<{ t: string }>(
      `SELECT (extract(epoch FROM time) * 1000)::text AS t FROM telemetry
       WHERE device_id = $1 AND path = $2 AND time >= $3 ORDER BY time LIMIT 200`,
      [deviceId, path, since.toISOString()],
    );
    return rows.map((r) => Math.round(Number(r.t)));
  }

  async findById(tx: TxClient, id: string): Promise<ConformanceRunRow | null> {
    const { rows } = await tx.query<ConformanceRunRow>(
      `SELECT ${COLUMNS} FROM conformance_runs WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async running(tx: TxClient, deviceId: string): Promise<ConformanceRunRow | null> {
    const { rows } = await tx.query<ConformanceRunRow>(
      `SELECT ${COLUMNS} FROM conformance_runs WHERE device_id = $1 AND status = 'RUNNING' LIMIT 1`,
      [deviceId],
    );
    return rows[0] ?? null;
  }

  async list(
    tx: TxClient,
    q: { deviceId?: string | null; status?: ConformanceRunStatusText; limit: number },
  ): Promise<ConformanceRunRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.deviceId) {
      params.push(q.deviceId);
      where.push(`device_id = $${params.length}::uuid`);
    }
    if (q.status) {
      params.push(q.status);
      where.push(`status = $${params.length}`);
    }
    params.push(q.limit);
    const { rows } = await tx.query<ConformanceRunRow>(
      `SELECT ${COLUMNS} FROM conformance_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY started_at DESC, id LIMIT $${params.length}`,
      params,
    );
    return rows;
  }
}
