import { type Pool } from 'pg';

/**
 * Device-send to row-visible latency: every Send carries its send time as the SenML time of its records, which
 * becomes the row's `time`. A few probe devices are watched: each poll lists their rows of one report path, and a
 * row seen for the first time is `poll wall clock - row time` old (resolution: the poll period).
 */
export class LatencyProbe {
  private readonly seen = new Set<string>();
  private samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly pool: Pool,
    private readonly tenant: string,
    private readonly endpoints: readonly string[],
    private readonly periodMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The samples since the last call (ms). */
  take(): number[] {
    const out = this.samples;
    this.samples = [];
    return out;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    // Rows visible to the query are those committed before its snapshot, taken when it starts.
    const snapshotAt = Date.now();
    try {
      // One row per Send: the first report path of each probe device (the Send carries all of them at one time).
      const { rows } = await this.pool.query<{ device_id: string; t: string }>(
        `SELECT t.device_id, extract(epoch FROM t.time)::float8 AS t
           FROM telemetry t JOIN devices d ON d.id = t.device_id
          WHERE t.tenant_id = $1 AND d.endpoint = ANY($2)
            AND t.path IN ('/3416/0/3','/3424/0/1','/3423/0/1','/3421/0/1','/3431/0/1','/3435/0/2','/3428/0/1','/3433/0/3','/3429/0/1')
            AND t.time > now() - interval '60 seconds'`,
        [this.tenant, this.endpoints],
      );
      for (const row of rows) {
        const key = `${row.device_id}@${row.t}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.samples.push(snapshotAt - Number(row.t) * 1000);
      }
      if (this.seen.size > 200_000) this.seen.clear();
    } catch {
      // a slow or failed poll only loses samples
    } finally {
      this.polling = false;
    }
  }
}
