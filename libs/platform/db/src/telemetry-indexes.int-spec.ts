import { createPool } from './pool';

const owner = createPool({
  connectionString: 'postgres://smartcity_owner:smartcity_owner@127.0.0.1:5432/smartcity',
  applicationName: 'db-lib-test-indexes',
  max: 1,
});

/**
 * The telemetry hypertable's indexes are part of its write cost (docs/storage.md): every index is one more B-tree
 * insertion per stored value. These tests pin the set, so an index added for a read path is a decision taken with
 * its cost in mind, and check that the reads of the removed index still have an index to use.
 */
describe('telemetry hypertable indexes', () => {
  afterAll(() => owner.end());

  it('has one unique key (idempotency and device history) and the tenant time index, nothing else', async () => {
    const { rows } = await owner.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'telemetry'
       ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['telemetry_device_path_time', 'telemetry_tenant_time']);
    expect(rows[0]!.indexdef).toContain('UNIQUE INDEX');
    expect(rows[0]!.indexdef).toContain('(device_id, path, "time" DESC)');
  });

  it("serves a device's metric history from the unique key", async () => {
    const client = await owner.connect();
    try {
      // Plan shape only (no rows needed): without sequential scans allowed, the planner must find an index.
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT time, value_num FROM telemetry
         WHERE device_id = '00000000-0000-0000-0000-000000000001'::uuid AND metric = 'temperature'
           AND time >= now() - interval '1 day' AND time < now()`,
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      // A database without a chunk in the range plans no scan at all; otherwise every chunk uses the unique key.
      if (plan.includes('_chunk')) expect(plan).toContain('telemetry_device_path_time');
      expect(plan).not.toContain('telemetry_device_metric_time');
      expect(plan).not.toMatch(/Seq Scan on _telemetry/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
